import { text } from 'node:stream/consumers';
import {
  CsvTooLarge,
  CsvUnreadable,
  parseCsvRows,
  readCsvEntries,
  resultsCsv,
  resultsCsvStream,
} from '../../../src/actions/bulk';

async function* chunksOf(parts: string[], pulled: { count: number }): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    pulled.count++;
    yield Buffer.from(part);
  }
}

describe('CSV device lists, read as they stream in', () => {
  it('reads a header-named column across chunk boundaries, multi-byte characters included', async () => {
    const pulled = { count: 0 };
    const csv = await readCsvEntries(
      chunksOf(['Name;Asset Id\r\nZoë;A-1', '00\r\n"Ana, M";\r\nLé', 'o;"A-2""x"\r\n'], pulled),
      1024,
    );
    expect(csv).toEqual({ entries: ['A-100', 'A-2"x'], blanks: 1, kind: 'assetId', column: 'Asset Id' });
  });

  it('stops reading at the size cap, without pulling the rest of the file', async () => {
    const pulled = { count: 0 };
    const line = '5CD1234567\n'.repeat(100);
    const reading = readCsvEntries(chunksOf(Array(50).fill(line), pulled), 2_000);
    await expect(reading).rejects.toBeInstanceOf(CsvTooLarge);
    expect(pulled.count).toBeLessThan(5);
  });

  it('says which line a never-closed quote starts on', async () => {
    const pulled = { count: 0 };
    const reading = readCsvEntries(chunksOf(['serial\n5CD1\n"5CD2\n5CD3\n'], pulled), 1024);
    await expect(reading).rejects.toBeInstanceOf(CsvUnreadable);
    expect(() => parseCsvRows('a\n"b')).toThrow(CsvUnreadable);
  });
});

describe('CSV results', () => {
  const rows = [
    { serialNumber: '5CD1', deviceId: 'd1', input: '@SUM(A1)', result: 'done' as const },
    { serialNumber: '5CD2', deviceId: 'd2', input: '-1', result: 'failed' as const, detail: 'line one\nline two' },
  ];

  it('streams the same file as the one-piece writer, formulas defused', async () => {
    const whole = resultsCsv(rows as never);
    expect(await text(resultsCsvStream(rows as never))).toBe(whole);
    expect(whole).toBe(
      'serial,device id,entry,result,command id,detail\r\n' +
        "5CD1,d1,'@SUM(A1),done,,\r\n" +
        '5CD2,d2,\'-1,failed,,"line one\nline two"\r\n',
    );
  });
});
