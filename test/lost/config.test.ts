import { loadConfig } from '../../src/config';

describe('lost-device settings in the environment', () => {
  it('defaults: no delay set (roster or 15 min), no roster file, self-service off', () => {
    expect(loadConfig({ SANDBOX: 'true' }).lost).toEqual({
      escalationMinutes: undefined,
      rosterPath: undefined,
      selfService: false,
    });
  });

  it('reads the delay, the roster and the policy', () => {
    expect(
      loadConfig({ SANDBOX: 'true', ONCALL_ESCALATION_MINUTES: '5', ONCALL_ROSTER: 'x.yaml', LOST_SELF_SERVICE: 'yes' })
        .lost,
    ).toEqual({ escalationMinutes: 5, rosterPath: 'x.yaml', selfService: true });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ SANDBOX: 'true', ONCALL_ESCALATION_MINUTES: 'soon' })).toThrow(
      /ONCALL_ESCALATION_MINUTES/,
    );
    expect(() => loadConfig({ SANDBOX: 'true', ONCALL_ESCALATION_MINUTES: '0' })).toThrow(/ONCALL_ESCALATION_MINUTES/);
    expect(() => loadConfig({ SANDBOX: 'true', LOST_SELF_SERVICE: 'maybe' })).toThrow(
      /LOST_SELF_SERVICE must be true or false/,
    );
  });
});
