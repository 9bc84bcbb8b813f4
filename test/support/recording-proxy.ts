import http from 'node:http';
import net from 'node:net';

export interface ProxiedCall {
  /** connect: a CONNECT tunnel; forward: an absolute-URI request; tunnelled: a request seen inside a tunnel. */
  kind: 'connect' | 'forward' | 'tunnelled';
  host: string;
  port: number;
  method?: string;
  path?: string;
  /** The proxy refused it: the target is not on this machine (nothing leaves it in tests). */
  refused: boolean;
}

export interface RecordingProxy {
  url: string;
  calls: ProxiedCall[];
  stop(): Promise<void>;
}

const isLocal = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

/**
 * An enterprise proxy in miniature: CONNECT tunnels (what clients use for https, and undici for
 * everything) and absolute-URI forwarding (http clients). It records every call, lets loopback
 * targets through, and refuses the rest with 403 so that a test never needs the internet. Inside
 * a tunnel to a plain-HTTP target it reads the request lines, so a test can tell calls apart.
 */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const calls: ProxiedCall[] = [];
  const sockets = new Set<net.Socket>();
  const upstreamAgent = new http.Agent();
  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const refused = !isLocal(target.hostname);
    calls.push({ kind: 'forward', host: target.hostname, port, method: req.method, path: target.pathname, refused });
    if (refused) {
      res.writeHead(403);
      res.end();
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
        // Its own agent: a test may have made the proxying agent the process's global one.
        agent: upstreamAgent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const [host, portText] = (req.url ?? '').split(/:(?=\d+$)/);
    const port = Number(portText);
    const refused = !isLocal(host);
    calls.push({ kind: 'connect', host, port, refused });
    if (refused) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        const line = REQUEST_LINE.exec(chunk.toString('latin1', 0, 8192));
        if (line) calls.push({ kind: 'tunnelled', host, port, method: line[1], path: line[2], refused: false });
      });
      client.pipe(upstream).pipe(client);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async stop() {
      for (const s of sockets) s.destroy();
      upstreamAgent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
