import net from 'node:net';
import { generateFleet } from '../../src/sandbox/fleet';
import { GoogleEmulator, startGoogleEmulator } from '../../src/sandbox/google';
import { cardText } from '../support/connector';
import { Harness, startHarness } from '../support/harness';
import { testRedis, TEST_REDIS_URL } from '../support/redis';

const START = Date.parse('2026-03-02T10:00:00Z');

interface SeenCommand {
  args: string[];
  /** Run by a Lua script rather than sent by a client. */
  fromScript: boolean;
}

/**
 * Every command Redis runs, read from MONITOR on a connection of its own (a plain socket:
 * ioredis' monitor mode can misread the replies that arrive while it switches over).
 * Lines look like `+1700000000.1 [0 127.0.0.1:5000] "get" "key"`; arguments stay escaped.
 */
function watchCommands(seen: (command: SeenCommand) => void): Promise<net.Socket> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname, () => socket.write('MONITOR\r\n'));
    let pending = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '+OK') resolve(socket);
        const source = /^\+[\d.]+ \[\d+ ([^\]]+)\]/.exec(line);
        if (!source) continue;
        const args = [...line.slice(source[0].length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
        seen({ args, fromScript: source[1] === 'lua' });
      }
    });
  });
}

/**
 * Each Redis round trip costs a card turn a socket write and a wake-up (docs/performance.md): a
 * turn asks Redis only what its work needs. Redis' MONITOR shows every command the bot's
 * connections send; those naming this test's keys are the bot's (BullMQ's polling aside).
 */
describe("a card turn's round trips to Redis", () => {
  const redis = testRedis();
  const fleet = generateFleet({ seed: 'round-trips', size: 50, domain: 'example.com', now: START });
  let google: GoogleEmulator;
  let h: Harness;
  let monitor: net.Socket;
  const sent: string[][] = [];

  beforeAll(async () => {
    google = await startGoogleEmulator({ devices: fleet });
    h = await startHarness({ REDIS_URL: TEST_REDIS_URL }, undefined, {
      start: { google, redisPrefix: redis.prefix },
    });
    monitor = await watchCommands((command) => {
      const ours = command.args.some((a) => a.startsWith(redis.prefix) && !a.startsWith(`${redis.prefix}bull`));
      if (ours && !command.fromScript) sent.push(command.args);
    });
  });
  afterAll(async () => {
    monitor.destroy();
    await h.stop();
    await google.close();
    await redis.cleanup();
  });

  async function commandsOf(text: string): Promise<string[][]> {
    await h.send(text); // the first turn of a person also reads who they are
    await new Promise((r) => setTimeout(r, 100));
    sent.length = 0;
    const { replies } = await h.send(text);
    await new Promise((r) => setTimeout(r, 100)); // MONITOR's lines arrive after the commands ran
    expect(replies.length).toBeGreaterThan(0);
    return [...sent];
  }

  it('reads no turn state: nothing is kept in it', async () => {
    const commands = await commandsOf('help');
    expect(commands.filter((c) => c.some((a) => a.startsWith(`${redis.prefix}state:`)))).toEqual([]);
    // The turn limiter's one script call is all a help card asks of Redis.
    expect(commands.map((c) => c[0].toLowerCase())).toEqual(['evalsha']);
  });

  it('finds a device by serial with the limiter and the inventory alone', async () => {
    const device = fleet[7];
    const commands = await commandsOf(`find ${device.serialNumber}`);
    expect(cardText(h.connector.calls.at(-1)!)).toContain(device.serialNumber);
    const [limiter, ...inventory] = commands;
    expect(limiter[0].toLowerCase()).toBe('evalsha');
    expect(inventory.length).toBeGreaterThan(0);
    expect(inventory.filter((c) => !c[1].startsWith(`${redis.prefix}inv:`))).toEqual([]);
  });
});
