/**
 * The on-call roster: who is paged when a lost-device report is not acknowledged in time.
 * Read from a YAML file so the rota can change without a deployment.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import type { PersonRef } from './types';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

export interface Shift {
  days: Day[];
  /** Minutes after midnight UTC, [from, to). */
  fromMinute: number;
  toMinute: number;
}

export interface Responder extends PersonRef {
  /** When they are on call; none: always. */
  shifts: Shift[];
}

export interface OnCallRoster {
  /** Minutes a report may stay unacknowledged before on-call is paged; from the file, if it says. */
  escalationMinutes?: number;
  responders: Responder[];
}

const TIME = /^([01]?\d|2[0-4]):([0-5]\d)$/;

const shiftSchema = z.object({
  days: z
    .array(z.enum(DAYS))
    .min(1)
    .default([...DAYS]),
  from: z.string().regex(TIME, 'must be a time such as 08:00').default('00:00'),
  to: z.string().regex(TIME, 'must be a time such as 18:00 (24:00 for midnight)').default('24:00'),
});

const fileSchema = z.object({
  escalationMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
  responders: z
    .array(
      z
        .object({
          name: z.string().min(1),
          teamsId: z.string().min(1).optional(),
          aadObjectId: z.string().min(1).optional(),
          upn: z.string().email().optional(),
          shifts: z.array(shiftSchema).default([]),
        })
        .refine((r) => r.teamsId || r.aadObjectId, {
          message: 'needs teamsId or aadObjectId, so that the page can @mention them',
        }),
    )
    .default([]),
});

const minutes = (t: string): number => {
  const [, h, m] = TIME.exec(t) as RegExpExecArray;
  return Number(h) * 60 + Number(m);
};

/** Parses roster YAML; problems name the entry and how to fix it. */
export function parseRoster(text: string, source = 'roster'): OnCallRoster {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError([`${source} is not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'} ${i.message}`));
  }
  return {
    escalationMinutes: parsed.data.escalationMinutes,
    responders: parsed.data.responders.map((r) => ({
      name: r.name,
      teamsId: r.teamsId ?? r.aadObjectId ?? '',
      aadObjectId: r.aadObjectId,
      upn: r.upn?.toLowerCase(),
      shifts: r.shifts.map((s) => ({ days: s.days, fromMinute: minutes(s.from), toMinute: minutes(s.to) })),
    })),
  };
}

export async function loadRoster(path: string): Promise<OnCallRoster> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `ONCALL_ROSTER: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix the path or leave it empty`,
    ]);
  }
  return parseRoster(text, path);
}

export const EMPTY_ROSTER: OnCallRoster = { responders: [] };

/** Who is on call at that moment (UTC): the first responder with a matching shift, or none. */
export function onCallAt(roster: OnCallRoster, at: number): Responder | undefined {
  const d = new Date(at);
  const day = DAYS[d.getUTCDay()];
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  return roster.responders.find(
    (r) =>
      r.shifts.length === 0 ||
      r.shifts.some((s) => s.days.includes(day) && minute >= s.fromMinute && minute < s.toMinute),
  );
}
