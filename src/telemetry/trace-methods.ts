import type { Attributes } from '@opentelemetry/api';
import { inSpan } from './tracing';

/**
 * Wraps the named async methods of a service so that each call is a span (`<prefix>.<method>`),
 * without the service knowing: the access check and the inventory lookup are traced this way.
 */
export function traceMethods<T extends object>(
  target: T,
  prefix: string,
  methods: ReadonlyArray<keyof T & string>,
  attributes: Attributes = {},
): T {
  for (const name of methods) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    const bound = (original as (...args: unknown[]) => unknown).bind(target);
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => inSpan(`${prefix}.${name}`, attributes, async () => bound(...args)),
    });
  }
  return target;
}
