import { Agent, Dispatcher, ProxyAgent } from 'undici';
import { proxyFor, type ProxySettings } from './proxy-settings';

/**
 * undici dispatcher for Node's fetch: each request goes through the proxy its target needs, or
 * straight out for NO_PROXY hosts. It decides with the same rules as the http module's agent
 * (EnvProxyAgent). undici's own EnvHttpProxyAgent does the same but is still experimental in
 * undici 6 and warns at every start.
 */
export class ProxyDispatcher extends Dispatcher {
  private readonly direct = new Agent();
  private readonly viaProxy = new Map<string, ProxyAgent>();

  constructor(private readonly settings: ProxySettings) {
    super();
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = new URL(String(options.origin));
    const https = origin.protocol === 'https:';
    const proxy = proxyFor(
      {
        protocol: https ? 'https:' : 'http:',
        hostname: origin.hostname,
        port: Number(origin.port) || (https ? 443 : 80),
      },
      this.settings,
    );
    return this.agentFor(proxy).dispatch(options, handler);
  }

  private agentFor(proxy: URL | undefined): Dispatcher {
    if (!proxy) return this.direct;
    let agent = this.viaProxy.get(proxy.href);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy.href });
      this.viaProxy.set(proxy.href, agent);
    }
    return agent;
  }

  close(): Promise<void>;
  close(callback: () => void): void;
  close(callback?: () => void): Promise<void> | void {
    const closing = Promise.all([this.direct, ...this.viaProxy.values()].map((d) => d.close())).then(() => undefined);
    if (!callback) return closing;
    void closing.then(callback);
  }

  destroy(): Promise<void>;
  destroy(err: Error | null): Promise<void>;
  destroy(callback: () => void): void;
  destroy(err: Error | null, callback: () => void): void;
  destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const done = typeof errOrCallback === 'function' ? errOrCallback : callback;
    const destroying = Promise.all([this.direct, ...this.viaProxy.values()].map((d) => d.destroy(err))).then(
      () => undefined,
    );
    if (!done) return destroying;
    void destroying.then(done);
  }
}
