import { parseFind, withRequester } from '../../bot/lookup-query';

describe('reading a lookup out of a message', () => {
  it.each([
    ['find 5CD12', { query: '5CD12' }],
    ['FIND  5cd12 ', { query: '5cd12' }],
    ['5CD12ABC', { query: '5CD12ABC' }],
    ['HQ-000001', { query: 'HQ-000001' }],
    ['jane@contoso.com', { query: 'jane@contoso.com' }],
    ['show me 5CD12', { query: '5CD12' }],
    ['lookup PF12', { query: 'PF12' }],
    ['look up PF12', { query: 'PF12' }],
    ['search for north high', { query: 'north high' }],
    ['find devices of jane@contoso.com', { query: 'jane@contoso.com', kind: 'user' }],
    ['devices of jane@contoso.com', { query: 'jane@contoso.com', kind: 'user' }],
    ['find the devices assigned to jane@contoso.com?', { query: 'jane@contoso.com', kind: 'user' }],
    ['who has asset A-1234', { query: 'A-1234', kind: 'assetId' }],
    ['who has asset tag A-1234?', { query: 'A-1234', kind: 'assetId' }],
    ['find asset HQ-000004', { query: 'HQ-000004', kind: 'assetId' }],
    ['devices in room 12', { query: 'room 12', kind: 'location' }],
    ['show devices in North High · Room 12', { query: 'North High · Room 12', kind: 'location' }],
    ['find serial 5CD1', { query: 'serial:5CD1' }],
    ['find device id 1234-abcd', { query: '1234-abcd', kind: 'id' }],
    ['find user jane@contoso.com', { query: 'jane@contoso.com', kind: 'user' }],
    ['find "5CD12"', { query: '5CD12' }],
    ['find', { query: '' }],
    ['find *', { query: '' }],
    ['who has?', { query: '' }],
    ['find ?!', { query: '' }],
    ['find my 5CD12', { query: '5CD12' }],
    ['my devices', { query: '', mine: true }],
    ['find my devices', { query: '', mine: true }],
    ['Show me my Chromebooks.', { query: '', mine: true }],
    ['list all my laptops', { query: '', mine: true }],
    ['what devices do I have?', { query: '', mine: true }],
    ['which devices are mine', { query: '', mine: true }],
  ])('%s', (text, expected) => {
    expect(parseFind(text)).toEqual(expected);
  });

  it.each([
    'help',
    'whoami',
    'audit 5CD12',
    'connector status',
    'hello there',
    'I lost my chromebook',
    'my actions',
    'my devices are broken',
    '',
    'abc',
    'roles',
  ])('leaves "%s" to other routes', (text) => {
    expect(parseFind(text)).toBeUndefined();
  });
});

describe('"my devices" for the person asking', () => {
  it('becomes a search by their UPN, else their email', () => {
    const mine = { query: '', mine: true };
    expect(withRequester(mine, { upn: 'adelev@example.com', email: 'adele@other.example' })).toEqual({
      query: 'adelev@example.com',
      kind: 'user',
      mine: true,
    });
    expect(withRequester(mine, { email: 'adele@other.example' })).toMatchObject({ query: 'adele@other.example' });
    expect(withRequester(mine, {})).toEqual(mine);
  });

  it('leaves any other search as it is', () => {
    const asked = { query: '5CD12' };
    expect(withRequester(asked, { upn: 'adelev@example.com' })).toBe(asked);
  });
});
