import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateRedis } from './private-redis';

export { redisServerAvailable } from './private-redis';

export interface TlsRedisServer {
  /** rediss://:password@127.0.0.1:port */
  url: string;
  password: string;
  port: number;
  /** The self-signed certificate the server presents: the CA a client must trust. */
  caFile: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server that speaks only TLS and wants a password, the way Azure Cache for Redis
 * does (port 6380, access key). Its certificate is self-signed, made with openssl for this run.
 */
export async function startTlsRedis(): Promise<TlsRedisServer> {
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let caFile = '';
  const server = await startPrivateRedis({
    listen(port, dir) {
      caFile = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      selfSignedCertificate(caFile, key);
      return {
        args: [
          ...['--port', '0', '--bind', '127.0.0.1', '--tls-port', String(port)],
          ...['--tls-cert-file', caFile, '--tls-key-file', key, '--tls-ca-cert-file', caFile],
          ...['--tls-auth-clients', 'no', '--requirepass', password],
        ],
        url: `rediss://:${password}@127.0.0.1:${port}`,
        probe: { tls: { ca: readFileSync(caFile, 'utf8') } },
      };
    },
  });
  return { url: server.url, password, port: server.port, caFile, stop: () => server.stop() };
}

function selfSignedCertificate(cert: string, key: string): void {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
}
