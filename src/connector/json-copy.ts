/** What JSON keeps: undefined keys vanish, so memory and Redis stores behave the same. */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
