/**
 * Which turns are running, and whether new ones may start. On shutdown the gate closes (new
 * turns are turned away so the load balancer sends them elsewhere) and the turns already
 * running are waited for, so that no message taken is left unanswered.
 */
export class TurnGate {
  private running = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  /** Whether new turns are taken. */
  get open(): boolean {
    return !this.closed;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Starts a turn; false once the gate is closed (the caller answers 503). */
  enter(): boolean {
    if (this.closed) return false;
    this.running++;
    return true;
  }

  leave(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0) for (const wake of this.idle.splice(0)) wake();
  }

  close(): void {
    this.closed = true;
  }

  /** Resolves true when no turn runs any more, false if some still run after timeoutMs. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idle = this.idle.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idle.push(wake);
    });
  }
}
