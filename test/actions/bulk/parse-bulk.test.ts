import {
  entriesFromCsv,
  parseBulkCommand,
  parseCsvRows,
  plainText,
  resultsCsv,
  splitEntries,
} from '../../../src/actions/bulk';

describe('bulk command', () => {
  it('reads the action and a list separated by spaces, commas and new lines', () => {
    const r = parseBulkCommand('bulk lost mode on 5CD1 5CD2,5CD3\n5CD4;NTH-0001');
    expect(r).toEqual({
      ok: true,
      value: {
        action: 'lostMode.on',
        params: {},
        list: { entries: ['5CD1', '5CD2', '5CD3', '5CD4', 'NTH-0001'], blanks: 0 },
      },
    });
  });

  it('counts blank lines and empty cells, and keeps duplicates for the resolver to count', () => {
    const r = parseBulkCommand('bulk wipe\n5CD1\n\n5CD1\n ,5CD2,\n');
    expect(r?.ok && r.value).toMatchObject({
      action: 'wipeUsers',
      list: { entries: ['5CD1', '5CD1', '5CD2'], blanks: 3 },
    });
  });

  it('takes the deprovision reason and the restart delay anywhere', () => {
    expect(parseBulkCommand('bulk deprovision reason retiring 5CD1 5CD2')).toMatchObject({
      ok: true,
      value: { action: 'deprovision', params: { reason: 'RETIRING_DEVICE' }, list: { entries: ['5CD1', '5CD2'] } },
    });
    expect(parseBulkCommand('bulk restart 5CD1, 5CD2 delay 60')).toMatchObject({
      ok: true,
      value: { action: 'reboot', params: { delaySeconds: 60 }, list: { entries: ['5CD1', '5CD2'] } },
    });
    expect(parseBulkCommand('bulk restart 5CD1 delay 900')).toMatchObject({ ok: false });
    expect(parseBulkCommand('bulk restart 5CD1 5CD2 in 2 minutes')).toMatchObject({
      ok: true,
      value: { action: 'reboot', params: { delaySeconds: 120 }, list: { entries: ['5CD1', '5CD2'] } },
    });
    expect(parseBulkCommand('bulk restart for 45 s 5CD1')).toMatchObject({
      ok: true,
      value: { action: 'reboot', params: { delaySeconds: 45 }, list: { entries: ['5CD1'] } },
    });
    expect(parseBulkCommand('bulk deprovision 5CD1 reason lost')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"lost" is not a deprovision reason'),
    });
  });

  it('reads "lost mode" without on or off as on, as people type it', () => {
    expect(parseBulkCommand('bulk lost mode 5CD1 5CD2')).toMatchObject({
      ok: true,
      value: { action: 'lostMode.on', list: { entries: ['5CD1', '5CD2'] } },
    });
  });

  it('accepts an action alone (the list comes in a file) and an org unit', () => {
    expect(parseBulkCommand('bulk factory reset')).toMatchObject({
      ok: true,
      value: { action: 'powerwash', list: { entries: [] } },
    });
    expect(parseBulkCommand('bulk lost mode off ou:/Schools/North/')).toMatchObject({
      ok: true,
      value: { action: 'lostMode.off', orgUnit: '/Schools/North' },
    });
    expect(parseBulkCommand('bulk wipe ou:/Schools 5CD1')).toMatchObject({ ok: false });
  });

  it('reads a bulk remote lock of Intune devices', () => {
    expect(parseBulkCommand('bulk lock F2LX1, R5CT12AB34CD\nXYZ')).toEqual({
      ok: true,
      value: { action: 'remoteLock', params: {}, list: { entries: ['F2LX1', 'R5CT12AB34CD', 'XYZ'], blanks: 0 } },
    });
    expect(parseBulkCommand('bulk remote lock')).toMatchObject({
      ok: true,
      value: { action: 'remoteLock', list: { entries: [] } },
    });
    expect(parseBulkCommand('bulk lock ou:/Schools')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not in org units'),
    });
  });

  it('refuses an unknown action and ignores other text', () => {
    expect(parseBulkCommand('bulk frobnicate 5CD1')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Which action?'),
    });
    expect(parseBulkCommand('find 5CD1')).toBeUndefined();
  });

  it('turns Teams HTML into lines', () => {
    expect(splitEntries(plainText('<p>5CD1</p><p>5CD2<br>5CD3</p>')).entries).toEqual(['5CD1', '5CD2', '5CD3']);
  });
});

describe('CSV', () => {
  it('parses quoted cells, CRLF and a BOM', () => {
    expect(parseCsvRows('\uFEFFa,"b,c"\r\n"d ""e""",f\n')).toEqual([
      ['a', 'b,c'],
      ['d "e"', 'f'],
    ]);
  });

  it('uses the column a header names, and counts blank rows', () => {
    const csv = 'Name,Serial Number,Room\nAva,5CD1,12\nLiam,,12\nMia,5CD3,27\n';
    expect(entriesFromCsv(csv)).toEqual({
      entries: ['5CD1', '5CD3'],
      blanks: 1,
      kind: 'serial',
      column: 'Serial Number',
    });
  });

  it('without a header takes the first cell of every row', () => {
    expect(entriesFromCsv('5CD1\n5CD2\n\n5CD3')).toEqual({
      entries: ['5CD1', '5CD2', '5CD3'],
      blanks: 1,
      kind: undefined,
      column: undefined,
    });
  });

  it('writes results that spreadsheets open without running formulas', () => {
    const csv = resultsCsv([
      { serialNumber: '5CD1', deviceId: 'd1', input: '=cmd()', result: 'failed', detail: 'Google said "no", twice' },
    ]);
    expect(csv).toBe(
      'serial,device id,entry,result,command id,detail\r\n5CD1,d1,\'=cmd(),failed,,"Google said ""no"", twice"\r\n',
    );
  });
});
