/**
 * A bot process as `npm start` runs it: src/index.ts's main, with its signal handling and graceful
 * shutdown, and the test's timings (poll intervals, leases, escalation delay) from the JSON in
 * DESK_TEST_START_OPTIONS. Started by test/support/bot-processes.ts.
 */
import { main } from '../../src/index';

main(process.env, JSON.parse(process.env.DESK_TEST_START_OPTIONS ?? '{}')).catch((error: unknown) => {
  process.stderr.write(`Device Desk stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
