import { canonicalJson, scrubDetail } from '../../src/audit';

describe('scrubDetail', () => {
  it('redacts secret-looking keys at any depth and in any spelling', () => {
    const out = scrubDetail({
      pin: 1234,
      unlockPin: '0000',
      unlock_pin: '1111',
      graphToken: 'abc',
      client_secret: 'shh',
      PASSWORD: 'pw',
      apiKey: 'k',
      devices: [{ serial: 'SN-1', accessToken: 't' }],
      safe: { count: 2, note: 'token rotated' },
    });
    expect(out).toEqual({
      pin: '[redacted]',
      unlockPin: '[redacted]',
      unlock_pin: '[redacted]',
      graphToken: '[redacted]',
      client_secret: '[redacted]',
      PASSWORD: '[redacted]',
      apiKey: '[redacted]',
      devices: [{ serial: 'SN-1', accessToken: '[redacted]' }],
      safe: { count: 2, note: 'token rotated' },
    });
  });

  it('does not touch the caller object and yields plain JSON', () => {
    const input = { pin: '1', when: new Date('2026-01-01T00:00:00Z'), gone: undefined };
    const out = scrubDetail(input);
    expect(input.pin).toBe('1');
    expect(out).toEqual({ pin: '[redacted]', when: '2026-01-01T00:00:00.000Z' });
    expect(scrubDetail(undefined)).toBeUndefined();
  });

  it('replaces an oversized detail by a note of its size', () => {
    const out = scrubDetail({ blob: 'x'.repeat(10_000) });
    expect(out).toMatchObject({ truncated: true });
    expect((out as { bytes: number }).bytes).toBeGreaterThan(10_000);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
