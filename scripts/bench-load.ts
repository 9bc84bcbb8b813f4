/**
 * The load generator, in a process of its own so that it never shares an event loop with the bot
 * it loads. It also plays the Bot Connector (a sink that accepts every reply at once), so the
 * bot's replies cost the bot its own work and nothing more. Command:
 *   {cmd:'drive', url, text, turns, concurrency} → TurnStats
 * where text may hold {i} (the turn number) and {serial} (a sandbox device's serial).
 */
import { sandboxFleet } from '../src/sandbox/fleet';
import { serveCommands } from './bench-child';
import { driveTurns, startSinkConnector } from './bench-driver';

interface DriveCommand {
  url: string;
  text: string;
  turns: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const { url: serviceUrl } = await startSinkConnector();
  const serials = sandboxFleet(Date.now()).map((d) => d.serialNumber);
  serveCommands({ serviceUrl }, async (command) => {
    if (command.cmd !== 'drive') throw new Error(`unknown command ${String(command.cmd)}`);
    const { url, text, turns, concurrency } = command as unknown as DriveCommand;
    return driveTurns({
      urls: [url],
      serviceUrl,
      text: (i) => text.replace('{i}', String(i)).replace('{serial}', serials[(i * 7) % serials.length]),
      turns,
      concurrency,
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
