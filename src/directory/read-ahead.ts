/** What reading ahead needs of a listing's page: the token of the page after it (none on the last). */
export interface TokenPage {
  nextPageToken?: string;
}

/**
 * Reads a paged listing ahead of its caller: the page after each one is asked for as soon as that
 * one arrives, until `ahead` pages are asked for or held beyond those the caller has taken. A
 * caller that is slow now and then (a sync waiting for a write) does not hold up Google's paging,
 * which only the previous page's token can move on. Pages come out in order; a failed page
 * throws where it stands, and nothing is asked for after it, nor after a page `goOn` turns down.
 */
export class ReadAhead<P extends TokenPage> {
  private readonly queue: Array<Promise<P>> = [];
  /** The next page's token while `ahead` pages are already waiting. */
  private pending?: string;
  private readonly seen = new Set<string>();

  constructor(
    private readonly fetch: (token?: string) => Promise<P>,
    private readonly ahead: number,
    private readonly repeated: () => Error,
    /** Whether the page after this one is wanted at all (a listing that can stop early). */
    private readonly goOn: (page: P) => boolean = () => true,
  ) {
    this.request(undefined);
  }

  /** The next page, or undefined after the last one. */
  async take(): Promise<P | undefined> {
    const next = this.queue.shift();
    if (!next) return undefined;
    if (this.pending !== undefined && this.queue.length < this.ahead) {
      const token = this.pending;
      this.pending = undefined;
      this.request(token);
    }
    return next;
  }

  /** Whether a page after the ones taken is asked for or known to come. */
  get more(): boolean {
    return this.queue.length > 0 || this.pending !== undefined;
  }

  private request(token: string | undefined): void {
    const page = this.fetch(token);
    // A caller that stops early never takes it: keep its failure from going unhandled.
    page.catch(() => undefined);
    this.queue.push(page);
    // Registered before any take() can await it, so the next request leaves first.
    page.then(
      (p) => this.arrived(p),
      () => undefined,
    );
  }

  private arrived(page: P): void {
    const token = page.nextPageToken;
    if (token === undefined || token === '' || !this.goOn(page)) return;
    if (this.seen.has(token)) {
      const loop = Promise.reject(this.repeated());
      loop.catch(() => undefined);
      this.queue.push(loop);
      return;
    }
    this.seen.add(token);
    if (this.queue.length < this.ahead) this.request(token);
    else this.pending = token;
  }
}
