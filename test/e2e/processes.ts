import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** A port nobody listens on right now (the OS picks it; we release it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited (immediately if it already has). */
  exited: Promise<number | null>;
}

/**
 * Starts a command in its own process group (detached) so that stopping it also stops whatever it
 * started itself: `npx`/`tsx` wrappers, the Playground's workers. Output goes to logFile.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  return { name, child, logFile: options.logFile, exited };
}

function isRunning(p: ManagedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** SIGTERM to the whole group, SIGKILL after graceMs. Safe to call twice or on a dead process. */
export async function stopProcess(p: ManagedProcess, graceMs = 3000): Promise<void> {
  const pid = p.child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGTERM');
  if (isRunning(p)) {
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([p.exited, timer]);
  }
  // Members of the group may outlive its leader: always finish with SIGKILL.
  signalGroup('SIGKILL');
}

/** Synchronous last resort for process 'exit' handlers, where nothing can be awaited. */
export function killNow(p: ManagedProcess): void {
  if (p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Polls a URL until it answers with an accepted status, the process dies, or time runs out. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; process?: ManagedProcess; accept?: (status: number) => boolean },
): Promise<void> {
  const accept = options.accept ?? ((s) => s === 200);
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (options.process && !isRunning(options.process)) {
      throw new Error(
        `${options.process.name} exited (code ${options.process.child.exitCode}) before ${url} answered; see ${options.process.logFile}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (accept(res.status)) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${options.timeoutMs} ms (${last})`);
}
