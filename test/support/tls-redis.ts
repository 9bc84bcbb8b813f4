import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../e2e/processes';

/** Debian's redis-server, if this machine has it (CI installs it; so does .ci/run). */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

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
  const dir = mkdtempSync(join(tmpdir(), 'desk-tls-redis-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
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
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const child: ChildProcess = spawn(
    'redis-server',
    [
      ...['--port', '0', '--bind', '127.0.0.1', '--tls-port', String(port)],
      ...['--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no'],
      ...['--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir],
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: TlsRedisServer = {
    url: `rediss://:${password}@127.0.0.1:${port}`,
    password,
    port,
    caFile: cert,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitForTls(server);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForTls(server: TlsRedisServer): Promise<void> {
  const ca = readFileSync(server.caFile, 'utf8');
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = new Redis(server.url, {
      tls: { ca },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server did not answer on TLS port ${server.port}`);
}
