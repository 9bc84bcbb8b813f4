import { matchesHint, parseLostIntent } from '../../src/lost';

describe('parseLostIntent', () => {
  it.each([
    ['I lost my laptop', { kind: 'lost', hint: 'computer' }],
    ["I've lost my Chromebook!", { kind: 'lost', hint: 'chromebook' }],
    ['my chromebook was stolen', { kind: 'stolen', hint: 'chromebook' }],
    ['someone stole my phone', { kind: 'stolen', hint: 'phone' }],
    ['report lost', { kind: 'lost' }],
    ['Report stolen device', { kind: 'stolen' }],
    ["I can't find my iPad", { kind: 'lost', hint: 'tablet' }],
    ['laptop missing since Monday', { kind: 'lost', hint: 'computer' }],
  ])('"%s" is a report', (text, expected) => {
    expect(parseLostIntent(text)).toEqual(expected);
  });

  it.each([
    'lost mode on 5CD123',
    'disable lost mode 5CD123',
    'turn on lost mode for 5CD1',
    'reports',
    'I lost the thread',
    'find 5CD12',
    'help',
    '',
  ])('"%s" is not', (text) => {
    expect(parseLostIntent(text)).toBeUndefined();
  });

  it('matches device kinds to devices', () => {
    expect(matchesHint('chromebook', { source: 'chrome', model: 'HP Chromebook 14' })).toBe(true);
    expect(matchesHint('chromebook', { source: 'intune', platform: 'iOS' })).toBe(false);
    expect(matchesHint('phone', { source: 'intune', platform: 'iOS' })).toBe(true);
    expect(matchesHint('tablet', { source: 'intune', platform: 'iPadOS' })).toBe(true);
    expect(matchesHint('mac', { source: 'intune', platform: 'macOS' })).toBe(true);
  });
});
