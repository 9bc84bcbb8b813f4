/**
 * At most one run per key in this process: a second call while one runs joins it instead of
 * starting another (a sync started by the timer and by a person at once, say).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const current = this.running.get(key);
    if (current) return current;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** The run of this key, if one is going on. */
  current(key: string): Promise<T> | undefined {
    return this.running.get(key);
  }

  /** Waits for every run going on now to end, however it ends. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
