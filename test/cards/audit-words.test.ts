import { actionWords, outcomeWords } from '../../bot/audit-words';
import { createActionCatalogue } from '../../src/actions';
import type { AuditRecord } from '../../src/audit';

const catalogue = createActionCatalogue();
const record = (outcome: AuditRecord['outcome'], detail: Record<string, unknown>): AuditRecord =>
  ({ outcome, detail }) as unknown as AuditRecord;

describe('the audit trail in people’s words', () => {
  it.each([
    ['powerwash', 'Factory reset'],
    ['wipeUsers', 'Wipe user profiles'],
    ['lostMode.off', 'Disable lost mode'],
    ['bulk.reboot', 'Bulk restart'],
    ['bulk.powerwash', 'Bulk factory reset'],
    ['intune.wipe', 'Wipe'],
    ['remoteLock.pin', 'Recovery PIN'],
    ['access.denied', 'Access'],
    ['lost.resolve', 'Report resolved'],
    ['settings.show', 'Settings show'],
  ])('%s reads "%s"', (id, words) => {
    expect(actionWords(id, catalogue)).toBe(words);
  });

  it('a requester’s own confirmation is "confirmed", a second person’s decision "approved"', () => {
    expect(outcomeWords(record('approved', { step: 'executed' }))).toBe('confirmed');
    expect(outcomeWords(record('approved', { step: 'started' }))).toBe('started');
    expect(outcomeWords(record('approved', { step: 'approve' }))).toBe('approved');
  });

  it('a bulk run ends with its counts, not one word for all its devices', () => {
    const end = record('failed', { step: 'finished', done: 17, failed: 3, unknown: 0 });
    expect(outcomeWords(end)).toBe('finished: 17 done, 3 failed');
  });
});
