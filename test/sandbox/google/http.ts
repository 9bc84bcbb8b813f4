/** Raw HTTP against the Google emulator, the way any client would talk to Google. */
import { GoogleEmulator } from '../../../src/sandbox/google';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export function googleHttp(em: GoogleEmulator) {
  const base = `${em.rootUrl}admin/directory/v1/customer/`;
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = em.accessToken,
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const devices = (customer = 'my_customer') => `${customer}/devices/chromeos`;
  return {
    send,
    list: (params: Record<string, string | number | boolean> = {}, token?: string | null) => {
      const qs = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      return send('GET', `${devices()}${qs ? `?${qs}` : ''}`, undefined, token);
    },
    get: (id: string, projection?: string) =>
      send('GET', `${devices()}/${encodeURIComponent(id)}${projection ? `?projection=${projection}` : ''}`),
    batch: (body: unknown) => send('POST', `${devices()}:batchChangeStatus`, body),
    action: (id: string, body: unknown) => send('POST', `${devices()}/${encodeURIComponent(id)}/action`, body),
    issue: (id: string, body: unknown) => send('POST', `${devices()}/${encodeURIComponent(id)}:issueCommand`, body),
    command: (id: string, commandId: string) =>
      send('GET', `${devices()}/${encodeURIComponent(id)}/commands/${commandId}`),
    devicesPath: devices,
  };
}

/** Every page of a listing, following nextPageToken. */
export async function listEverything(
  http: ReturnType<typeof googleHttp>,
  params: Record<string, string | number | boolean>,
) {
  const all: any[] = [];
  let token: string | undefined;
  do {
    const r = await http.list({ ...params, ...(token ? { pageToken: token } : {}) });
    if (r.status !== 200) throw new Error(`list failed: ${r.status} ${JSON.stringify(r.body)}`);
    all.push(...(r.body.chromeosdevices ?? []));
    token = r.body.nextPageToken;
  } while (token);
  return all;
}
