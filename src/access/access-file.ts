/**
 * The access file (ACCESS_CONFIG): custom roles and role assignments, in YAML or JSON. Every
 * problem is reported at once, each pointing at its line and key path, so an admin can fix the
 * file in one go.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { suggestion } from './did-you-mean';
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  END_USER_ROLE,
  isOwnDevicePermission,
  isRolePermission,
  type RoleDefinition,
  type RolePermission,
} from './permissions';
import { normaliseOrgUnitPath } from './scope';

export interface Assignment {
  role: string;
  /** Lower-cased UPNs and Entra object ids. */
  users: string[];
  /** Lower-cased Entra group object ids; membership is transitive. */
  groups: string[];
  /** Org-unit paths; undefined means the whole tenant. */
  scopes?: string[];
}

export interface AccessConfig {
  /** Built-in roles first, then the file's custom roles. */
  roles: RoleDefinition[];
  assignments: Assignment[];
}

export class AccessFileError extends ConfigError {
  constructor(problems: string[]) {
    super(problems);
    this.name = 'AccessFileError';
  }
}

/** Entra object ids; the last group has 13 digits in the Playground's built-in users. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;
const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const roleSchema = z
  .object({
    name: z.string().trim().min(1, 'a role needs a name'),
    description: z.string().optional(),
    permissions: z.array(z.string()).min(1, 'a role needs at least one permission'),
  })
  .strict();

const assignmentSchema = z
  .object({
    role: z.string().trim().min(1, 'an assignment needs a role'),
    users: z.array(z.string()).optional(),
    groups: z.array(z.string()).optional(),
    scopes: z.array(z.string()).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    roles: z.array(roleSchema).optional(),
    assignments: z.array(assignmentSchema).optional(),
  })
  .strict();

const KNOWN_KEYS: Record<string, string[]> = {
  file: ['roles', 'assignments'],
  role: ['name', 'description', 'permissions'],
  assignment: ['role', 'users', 'groups', 'scopes'],
};

type Path = (string | number)[];

/** Reads the file named by ACCESS_CONFIG; the format follows the extension, else the content. */
export async function loadAccessFile(path: string): Promise<AccessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new AccessFileError([`${path}: ${reason} (set ACCESS_CONFIG to the path of your access file)`]);
  }
  return parseAccessFile(text, basename(path));
}

/** No file: nobody holds a role, everyone is an end user. */
export function emptyAccessConfig(): AccessConfig {
  return { roles: [...BUILT_IN_ROLES], assignments: [] };
}

type Report = (path: Path, message: string, atKey?: boolean) => void;

interface ReadDocument {
  value: unknown;
  /** The parsed document, to tell on which line a key sits (absent for JSON YAML can't read). */
  doc?: Document;
  lineCounter: LineCounter;
}

export function parseAccessFile(text: string, fileName = 'access.yaml', format?: 'yaml' | 'json'): AccessConfig {
  const { value, doc, lineCounter } = readDocument(text, fileName, format ?? detectFormat(text, fileName));
  const problems: string[] = [];
  const lineAt = (path: Path, atKey = false): number | undefined => {
    if (!doc) return undefined;
    const offset = locate(doc, path, atKey);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const report: Report = (path, message, atKey = false) =>
    problems.push(where(fileName, lineAt(path, atKey), path) + message);

  if (value === null || value === undefined) {
    throw new AccessFileError([`${fileName}: the file is empty; it needs at least an "assignments:" list`]);
  }
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    reportShape(parsed.error.issues, report);
    throw new AccessFileError(problems);
  }
  const roles = parseRoles(parsed.data.roles ?? [], report);
  const assignments = parseAssignments(parsed.data.assignments ?? [], roles, report);
  if (problems.length > 0) throw new AccessFileError(problems);
  return { roles, assignments };
}

/** The file as data, or every syntax error with its line. */
function readDocument(text: string, fileName: string, fmt: 'yaml' | 'json'): ReadDocument {
  const lineCounter = new LineCounter();
  if (fmt === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const position = /at position (\d+)/.exec(message);
      const line = position ? lineOf(text, Number(position[1])) : undefined;
      throw new AccessFileError([
        where(fileName, line, []) + `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      ]);
    }
    // JSON is YAML too: parse it again only to learn where each key sits.
    const located = parseDocument(text, { lineCounter });
    return { value, doc: located.errors.length === 0 ? located : undefined, lineCounter };
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new AccessFileError(
      doc.errors.map(
        (e) =>
          where(fileName, e.linePos?.[0].line, []) +
          e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      ),
    );
  }
  return { value: doc.toJS(), doc, lineCounter };
}

function reportShape(issues: z.ZodIssue[], report: Report): void {
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') {
      report(issue.path, describeIssue(issue));
      continue;
    }
    const known = KNOWN_KEYS[kindOf(issue.path)];
    for (const key of issue.keys) {
      report(
        [...issue.path, key],
        `unknown key "${key}"${suggestion(key, known)} (allowed: ${known.join(', ')})`,
        true,
      );
    }
  }
}

type FileData = z.infer<typeof fileSchema>;

/** Built-in roles plus the file's own, each with known permissions only. */
function parseRoles(custom: NonNullable<FileData['roles']>, report: Report): RoleDefinition[] {
  const roles: RoleDefinition[] = [...BUILT_IN_ROLES];
  const reserved = [...BUILT_IN_ROLES.map((r) => r.name), END_USER_ROLE];
  custom.forEach((role, i) => {
    const clash = roles.find((r) => r.name.toLowerCase() === role.name.toLowerCase());
    if (clash) {
      const what = reserved.includes(clash.name) ? 'a built-in role' : 'another custom role';
      report(['roles', i, 'name'], `role "${role.name}" has the same name as ${what}; give it its own name`);
      return;
    }
    if (role.name.toLowerCase() === END_USER_ROLE.toLowerCase()) {
      report(['roles', i, 'name'], `"${END_USER_ROLE}" is given to everyone implicitly; give the role another name`);
      return;
    }
    const permissions: RolePermission[] = [];
    role.permissions.forEach((p, j) => {
      const name = p.trim();
      const at: Path = ['roles', i, 'permissions', j];
      if (isRolePermission(name)) {
        if (!permissions.includes(name)) permissions.push(name);
      } else if (isOwnDevicePermission(name)) {
        report(at, `"${name}" belongs to every user for their own devices and can't be put in a role`);
      } else {
        report(at, `unknown permission "${name}"${suggestion(name, ALL_PERMISSIONS)}`);
      }
    });
    roles.push({ name: role.name, description: role.description ?? '', permissions, builtIn: false });
  });
  return roles;
}

function parseAssignments(
  listed: NonNullable<FileData['assignments']>,
  roles: RoleDefinition[],
  report: Report,
): Assignment[] {
  const roleNames = roles.map((r) => r.name);
  return listed.map((a, i) => {
    const at = (...rest: Path): Path => ['assignments', i, ...rest];
    if (!roleNames.includes(a.role)) {
      const hint =
        a.role.toLowerCase() === END_USER_ROLE.toLowerCase()
          ? ' — everyone is an end user without an assignment'
          : suggestion(a.role, roleNames);
      report(at('role'), `unknown role "${a.role}"${hint}`);
    }
    if ((a.users ?? []).length === 0 && (a.groups ?? []).length === 0) {
      report(at(), 'an assignment needs "users:" or "groups:" (or both)');
    }
    const users = (a.users ?? []).map((u, j) => {
      const v = u.trim().toLowerCase();
      if (!UPN.test(v) && !OBJECT_ID.test(v))
        report(at('users', j), `"${u}" is neither a user principal name (name@domain) nor an Entra object id`);
      return v;
    });
    const groups = (a.groups ?? []).map((g, j) => {
      const v = g.trim().toLowerCase();
      if (!OBJECT_ID.test(v))
        report(
          at('groups', j),
          `"${g}" is not an Entra object id; groups are named by object id, as display names need not be unique`,
        );
      return v;
    });
    const scopes =
      a.scopes === undefined
        ? undefined
        : parseScopes(a.scopes, (j) => at('scopes', ...(j === undefined ? [] : [j])), report);
    return { role: a.role, users, groups, ...(scopes ? { scopes } : {}) };
  });
}

function parseScopes(listed: string[], at: (j?: number) => Path, report: Report): string[] {
  if (listed.length === 0)
    report(at(), 'an empty scope list grants nothing; leave "scopes:" out to cover the whole tenant');
  return listed.map((s, j) => {
    if (!s.trim().startsWith('/'))
      report(at(j), `"${s}" is not an org-unit path; paths start with "/", such as /Schools/North`);
    return normaliseOrgUnitPath(s);
  });
}

function detectFormat(text: string, fileName: string): 'yaml' | 'json' {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function where(fileName: string, line: number | undefined, path: Path): string {
  const lineText = line !== undefined ? ` line ${line}` : '';
  const pathText = path.length > 0 ? ` (${formatPath(path)})` : '';
  return `${fileName}${lineText}${pathText}: `;
}

/** ['assignments', 2, 'role'] → 'assignments[2].role' */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}

function kindOf(path: Path): keyof typeof KNOWN_KEYS {
  if (path.length === 0) return 'file';
  return path[0] === 'roles' ? 'role' : 'assignment';
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.received === 'undefined') return 'is required';
    return `must be ${article(issue.expected)}, not ${article(issue.received)}`;
  }
  return issue.message;
}

function article(type: string): string {
  const names: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    string: 'a text',
    number: 'a number',
    null: 'empty',
    boolean: 'true/false',
  };
  return names[type] ?? type;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/**
 * Offset of the node at `path`, or of the deepest ancestor that exists (a missing key is
 * reported at its parent). With `atKey`, points at the key itself rather than its value.
 */
function locate(doc: Document, path: Path, atKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
      if (!pair) return offset;
      if (last && atKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) return offset;
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
