/**
 * CSV in and out: the device list a requester sends as a file, and the per-device results the
 * run offers back. Parsing and writing are csv-parse and csv-stringify (RFC 4180 quoting); a
 * header naming a serial, asset id or device id column picks that column, otherwise the first
 * cell of every row is the entry.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { type Options as ParseOptions, parse } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';
import { stringify } from 'csv-stringify';
import { stringify as stringifyText } from 'csv-stringify/sync';
import type { MatchKind } from '../../inventory';
import type { BulkEntries } from './parse-bulk';
import type { BulkResultRow } from './types';

/** What spreadsheets export: commas, semicolons (European locales) or tabs; any line ending; a BOM. */
const PARSE_OPTIONS: ParseOptions = {
  bom: true,
  delimiter: [',', ';', '\t'],
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: false,
  trim: true,
};

/** The file is over the size cap; found while reading, so it is never held whole. */
export class CsvTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

/** The file is not CSV a parser can read (a quote never closed…); `line` says where. */
export class CsvUnreadable extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export function parseCsvRows(text: string): string[][] {
  try {
    return parseText(text, PARSE_OPTIONS) as string[][];
  } catch (error) {
    throw unreadable(error);
  }
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

/** Takes rows one by one: the first may be a header naming the column to read. */
class EntryCollector {
  private first = true;
  private index = 0;
  private kind?: MatchKind;
  private name?: string;
  private readonly entries: string[] = [];
  private blanks = 0;

  add(row: string[]): void {
    if (this.first) {
      this.first = false;
      if (this.header(row)) return;
    }
    const value = (row[this.index] ?? '').trim();
    if (value) this.entries.push(value);
    else this.blanks++;
  }

  result(): CsvEntries {
    return { entries: this.entries, blanks: this.blanks, kind: this.kind, column: this.name };
  }

  private header(row: string[]): boolean {
    for (const [re, kind] of HEADERS) {
      const index = row.findIndex((c) => re.test(c.trim()));
      if (index >= 0) {
        Object.assign(this, { index, kind, name: row[index].trim() });
        return true;
      }
    }
    return false;
  }
}

export function entriesFromCsv(text: string): CsvEntries {
  const collector = new EntryCollector();
  for (const row of parseCsvRows(text)) collector.add(row);
  return collector.result();
}

/**
 * Reads a device list as it arrives: bytes are counted against the cap before they reach the
 * parser, and passing it stops the reading (the caller's download is cancelled with the loop).
 */
export async function readCsvEntries(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<CsvEntries> {
  const parser = parse(PARSE_OPTIONS);
  const feeding = (async () => {
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > maxBytes) throw new CsvTooLarge(maxBytes);
      if (parser.destroyed) return;
      if (!parser.write(chunk)) await Promise.race([once(parser, 'drain'), once(parser, 'close')]);
    }
    parser.end();
  })().catch((error: unknown) => {
    parser.destroy(error as Error);
  });
  const collector = new EntryCollector();
  try {
    for await (const row of parser) collector.add(row as string[]);
  } catch (error) {
    await feeding;
    throw error instanceof CsvTooLarge ? error : unreadable(error);
  }
  await feeding;
  return collector.result();
}

function unreadable(error: unknown): Error {
  // csv-parse's streaming and sync builds each have their own CsvError class: go by its code.
  const e = error as { code?: unknown; message?: string; lines?: number };
  if (typeof e?.code === 'string' && e.code.startsWith('CSV_')) return new CsvUnreadable(e.message ?? '', e.lines);
  return error as Error;
}

function escape(value: string): string {
  // A leading = + - @ would be run as a formula by spreadsheet programs.
  return /^[=+\-@]/.test(value) ? `'${value}` : value;
}

const RESULT_HEADER = ['serial', 'device id', 'entry', 'result', 'command id', 'detail'];
// csv-stringify quotes a field holding the record delimiter (\r\n) but not a bare \n or \r, which
// spreadsheets still read as a new row: quote those too.
const STRINGIFY_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

function resultRecord(r: BulkResultRow): string[] {
  return [r.serialNumber, r.deviceId, r.input, r.result, r.commandId ?? '', r.detail ?? ''].map(escape);
}

export function resultsCsv(rows: BulkResultRow[]): string {
  return stringifyText([RESULT_HEADER, ...rows.map(resultRecord)], STRINGIFY_OPTIONS);
}

/** The same file as a stream, for a download of any size: rows are written as the client takes them. */
export function resultsCsvStream(rows: Iterable<BulkResultRow>): Readable {
  function* records(): Generator<string[]> {
    yield RESULT_HEADER;
    for (const row of rows) yield resultRecord(row);
  }
  return Readable.from(records()).pipe(stringify(STRINGIFY_OPTIONS));
}
