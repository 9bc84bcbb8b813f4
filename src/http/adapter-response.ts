/**
 * What the Bot Framework adapter wants to answer, held back so the server decides what is sent:
 * the adapter puts internal error text in its bodies (a failed token check's fetch error, a turn's
 * exception message), which must not reach the caller.
 */
export interface HeldAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The response shape the adapter accepts (it checks for these four methods). */
export interface AdapterResponse {
  status(code: number): AdapterResponse;
  header(name: string, value: unknown): AdapterResponse;
  send(body?: unknown): AdapterResponse;
  end(): AdapterResponse;
}

export function holdAnswer(): { res: AdapterResponse; answer: HeldAnswer } {
  const answer: HeldAnswer = { status: 200, body: undefined, headers: {} };
  const res: AdapterResponse = {
    status(code) {
      answer.status = code;
      return res;
    },
    header(name, value) {
      answer.headers[name] = String(value);
      return res;
    },
    send(body) {
      answer.body = body;
      return res;
    },
    end() {
      return res;
    },
  };
  return { res, answer };
}

/** The only error bodies that leave the server: a status and a fixed phrase. */
export function publicError(status: number): { error: string } {
  if (status === 401 || status === 403) return { error: 'unauthorized' };
  if (status === 404) return { error: 'not found' };
  if (status === 405) return { error: 'method not allowed' };
  if (status >= 400 && status < 500) return { error: 'bad request' };
  return { error: 'internal error' };
}
