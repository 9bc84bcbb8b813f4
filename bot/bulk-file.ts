/**
 * A device list sent as a file. Teams delivers a file sent to the bot as an attachment of
 * contentType application/vnd.microsoft.teams.file.download.info whose content.downloadUrl is a
 * short-lived pre-authenticated link; the bot fetches it once, small and CSV only.
 */
import type { Attachment } from 'botbuilder';
import { type CsvEntries, CsvTooLarge, CsvUnreadable, readCsvEntries } from '../src/actions/bulk';
import { InvalidInput } from '../src/errors';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
export const MAX_LIST_FILE_BYTES = 2 * 1024 * 1024;

export interface SentFile {
  name: string;
  downloadUrl: string;
}

export function sentFileOf(attachments: Attachment[] | undefined): SentFile | undefined {
  const a = (attachments ?? []).find((x) => x.contentType === FILE_DOWNLOAD_INFO);
  if (!a) return undefined;
  const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
  if (typeof content.downloadUrl !== 'string')
    throw new InvalidInput('The file you sent has no download link; send it again.');
  return { name: a.name ?? 'the file', downloadUrl: content.downloadUrl };
}

/** Fetches the file and reads its device list as it streams in, capped at MAX_LIST_FILE_BYTES. */
export async function downloadList(
  file: SentFile,
  options: { allowHttp: boolean; timeoutMs?: number },
): Promise<CsvEntries> {
  if (!/\.(csv|txt)$/i.test(file.name))
    throw new InvalidInput(
      `${file.name} is not a CSV file. Save the list as CSV (one device per row) and send it again.`,
    );
  let url: URL;
  try {
    url = new URL(file.downloadUrl);
  } catch {
    throw new InvalidInput('The file you sent has no valid download link; send it again.');
  }
  // Teams links are https; plain http only for the sandbox's local test servers.
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:'))
    throw new InvalidInput('The file link is not secure (https); send the file again.');
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), redirect: 'follow' });
  } catch {
    throw new InvalidInput(`I could not download ${file.name}. Send it again in a minute.`);
  }
  if (!res.ok || !res.body)
    throw new InvalidInput(`I could not download ${file.name} (HTTP ${res.status}). Send it again.`);
  const tooLarge = new InvalidInput(`${file.name} is larger than 2 MB; split the list.`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_LIST_FILE_BYTES) {
    await res.body?.cancel();
    throw tooLarge;
  }
  // A file with no declared size is never held whole: the reader stops, and the download is
  // cancelled, at the cap.
  try {
    return await readCsvEntries(res.body, MAX_LIST_FILE_BYTES);
  } catch (error) {
    if (error instanceof CsvTooLarge) throw tooLarge;
    if (error instanceof CsvUnreadable)
      throw new InvalidInput(
        `I could not read ${file.name} as CSV${error.line ? ` (line ${error.line})` : ''}: check its quotes, save it as CSV again and send it.`,
      );
    throw new InvalidInput(`I could not download ${file.name}. Send it again in a minute.`);
  }
}
