import { ReadAhead } from '../../src/directory/read-ahead';

interface Page {
  n: number;
  nextPageToken?: string;
}

/** A listing of `count` pages whose answers the test lets go one by one. */
function listing(count: number) {
  const asked: string[] = [];
  const answers = new Map<string, { resolve: (p: Page) => void; reject: (e: Error) => void }>();
  const fetch = (token?: string) =>
    new Promise<Page>((resolve, reject) => {
      const key = token ?? 'p0';
      asked.push(key);
      answers.set(key, { resolve, reject });
    });
  const answer = async (n: number, next: string | undefined = n + 1 < count ? `p${n + 1}` : undefined) => {
    answers.get(`p${n}`)!.resolve({ n, nextPageToken: next });
    // Let the reader see the page and ask for the next one.
    await new Promise((r) => setImmediate(r));
  };
  const fail = async (n: number) => {
    answers.get(`p${n}`)!.reject(new Error(`page ${n} failed`));
    await new Promise((r) => setImmediate(r));
  };
  return { asked, fetch, answer, fail };
}

const loopError = () => new Error('same page twice');

describe('reading a listing ahead of its caller', () => {
  it('asks for each page as soon as the one before arrives, up to the pages allowed ahead', async () => {
    const l = listing(10);
    const reader = new ReadAhead<Page>(l.fetch, 3, loopError);
    expect(l.asked).toEqual(['p0']);
    await l.answer(0);
    await l.answer(1);
    await l.answer(2);
    // Pages 0–2 wait for the caller: three ahead, so page 3 is not asked for yet.
    expect(l.asked).toEqual(['p0', 'p1', 'p2']);
    expect((await reader.take())?.n).toBe(0);
    expect(l.asked).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect((await reader.take())?.n).toBe(1);
    expect(l.asked).toEqual(['p0', 'p1', 'p2', 'p3']);
    await l.answer(3);
    expect(l.asked).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('with one page ahead, asks for the next page only when the caller takes the one before', async () => {
    const l = listing(3);
    const reader = new ReadAhead<Page>(l.fetch, 1, loopError);
    const first = reader.take();
    await l.answer(0);
    expect((await first)?.n).toBe(0);
    expect(l.asked).toEqual(['p0', 'p1']);
    await l.answer(1);
    expect(l.asked).toEqual(['p0', 'p1']);
    expect((await reader.take())?.n).toBe(1);
    expect(l.asked).toEqual(['p0', 'p1', 'p2']);
    await l.answer(2);
    expect((await reader.take())?.n).toBe(2);
    expect(reader.more).toBe(false);
    expect(await reader.take()).toBeUndefined();
  });

  it('gives every page once and in order, whatever pace the caller and Google keep', async () => {
    const l = listing(12);
    const reader = new ReadAhead<Page>(l.fetch, 2, loopError);
    const pause = async (turns: number) => {
      for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
    };
    const google = (async () => {
      for (let n = 0; n < 12; n++) {
        while (l.asked.length <= n) await pause(1);
        await pause((n * 7) % 4);
        await l.answer(n);
      }
    })();
    const got: number[] = [];
    for (let page = await reader.take(); page; page = await reader.take()) {
      got.push(page.n);
      await pause((page.n * 5) % 6);
    }
    await google;
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(l.asked).toEqual(got.map((n) => `p${n}`));
  });

  it('throws a failed page where it stands, after the pages before it, and asks for nothing after it', async () => {
    const l = listing(5);
    const reader = new ReadAhead<Page>(l.fetch, 4, loopError);
    await l.answer(0);
    await l.fail(1);
    expect(l.asked).toEqual(['p0', 'p1']);
    expect((await reader.take())?.n).toBe(0);
    await expect(reader.take()).rejects.toThrow('page 1 failed');
  });

  it('throws when Google hands back a token it gave before, after the page that carried it', async () => {
    const l = listing(5);
    const reader = new ReadAhead<Page>(l.fetch, 4, loopError);
    await l.answer(0);
    await l.answer(1, 'p1');
    expect(l.asked).toEqual(['p0', 'p1']);
    expect((await reader.take())?.n).toBe(0);
    expect((await reader.take())?.n).toBe(1);
    await expect(reader.take()).rejects.toThrow('same page twice');
  });

  it('asks for nothing after a page the caller turns down, and ends after it', async () => {
    const l = listing(5);
    const reader = new ReadAhead<Page>(l.fetch, 4, loopError, (page) => page.n < 1);
    await l.answer(0);
    await l.answer(1);
    expect(l.asked).toEqual(['p0', 'p1']);
    expect((await reader.take())?.n).toBe(0);
    expect((await reader.take())?.n).toBe(1);
    expect(reader.more).toBe(false);
    expect(await reader.take()).toBeUndefined();
    expect(l.asked).toEqual(['p0', 'p1']);
  });
});
