/**
 * CSV in and out: the device list a requester sends as a file, and the per-device results the
 * run offers back. RFC 4180 quoting; a header naming a serial, asset id or device id column
 * picks that column, otherwise the first cell of every row is the entry.
 */
import type { MatchKind } from '../../inventory';
import type { BulkEntries } from './parse-bulk';
import type { BulkResultRow } from './types';

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',' || ch === ';' || ch === '\t') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const HEADERS: Array<[RegExp, MatchKind]> = [
  [/^(serial|serial ?number|serialnumber|serial_number)$/i, 'serial'],
  [/^(asset|asset ?id|assetid|asset_id|annotated ?asset ?id|annotatedassetid)$/i, 'assetId'],
  [/^(device ?id|deviceid|device_id|id)$/i, 'id'],
];

export interface CsvEntries extends BulkEntries {
  /** The column's kind, when a header named it: entries are then looked up only that way. */
  kind?: MatchKind;
  column?: string;
}

export function entriesFromCsv(text: string): CsvEntries {
  const rows = parseCsvRows(text);
  let column = 0;
  let kind: MatchKind | undefined;
  let name: string | undefined;
  if (rows.length > 0) {
    for (const [re, k] of HEADERS) {
      const index = rows[0].findIndex((c) => re.test(c.trim()));
      if (index >= 0) {
        column = index;
        kind = k;
        name = rows[0][index].trim();
        break;
      }
    }
  }
  const entries: string[] = [];
  let blanks = 0;
  for (const row of kind ? rows.slice(1) : rows) {
    const value = (row[column] ?? '').trim();
    if (value) entries.push(value);
    else blanks++;
  }
  return { entries, blanks, kind, column: name };
}

function escape(value: string): string {
  // A leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function resultsCsv(rows: BulkResultRow[]): string {
  const lines = ['serial,device id,entry,result,command id,detail'];
  for (const r of rows)
    lines.push(
      [r.serialNumber, r.deviceId, r.input, r.result, r.commandId ?? '', r.detail ?? ''].map(escape).join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
