import { parseFind } from '../../bot/lookup-query';

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
    '',
    'abc',
    'roles',
  ])('leaves "%s" to other routes', (text) => {
    expect(parseFind(text)).toBeUndefined();
  });
});
