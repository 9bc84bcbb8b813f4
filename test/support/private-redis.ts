import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { type RedisOptions } from 'ioredis';
import { freePort } from '../e2e/processes';

/** Debian's redis-server, if this machine has it (CI installs it; so does .ci/run). */
export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PrivateRedisServer {
  url: string;
  port: number;
  /** A directory of this server's own, removed when it stops. */
  dir: string;
  stop(): Promise<void>;
}

/** How a server listens: its arguments, the URL to reach it, and what a client needs besides. */
interface Listening {
  args: string[];
  url: string;
  probe?: RedisOptions;
}

export interface PrivateRedisOptions {
  /** Given the port and the server's directory. Plain TCP on 127.0.0.1 when not given. */
  listen?: (port: number, dir: string) => Listening;
}

const plainListen = (port: number): Listening => ({
  args: ['--port', String(port), '--bind', '127.0.0.1'],
  url: `redis://127.0.0.1:${port}`,
});

/**
 * A redis-server of a test's own, for what a shared Redis must not see: flushing its scripts,
 * TLS, a password. Nothing is saved to disk.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-redis-'));
  const port = await freePort();
  const { args, url, probe } = (options.listen ?? plainListen)(port, dir);
  const child: ChildProcess = spawn('redis-server', [...args, '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: PrivateRedisServer = {
    url,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitForPong(url, port, probe ?? {});
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForPong(url: string, port: number, options: RedisOptions): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = new Redis(url, { ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
  throw new Error(`redis-server did not answer on port ${port}`);
}
