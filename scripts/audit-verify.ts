/**
 * Checks the audit trail in Redis: every record's MAC and link, the head pointer, and the signed
 * checkpoints published outside Redis (records cut off the end or rolled back show against them).
 *   npx tsx scripts/audit-verify.ts [--prefix desk:audit:] [--checkpoints FILE]... [--public-key HEX]
 *   npx tsx scripts/audit-verify.ts --sandbox      (the sandbox's public development keys)
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), REDIS_KEY_PREFIX and REDIS_TLS_CA_FILE
 * as for the bot, AUDIT_MAC_KEY, AUDIT_VERIFY_KEY (or
 * AUDIT_SIGNING_KEY, whose public half is used), AUDIT_CHECKPOINT_FILE. A checkpoint file may also
 * be the bot's JSON log. Prints one line; exits 0 when intact, 1 when not, 2 on bad arguments.
 */
import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import Redis from 'ioredis';
import {
  AUDIT_KEY_PREFIX,
  parseCheckpoints,
  parsePublicKey,
  parseSigningKey,
  RedisAuditTrail,
  SANDBOX_AUDIT_MAC_KEY,
  SANDBOX_AUDIT_SIGNING_SEED,
  signingKeyFromSeed,
  type AuditTrail,
  type AuditVerifyOptions,
  type SignedCheckpoint,
} from '../src/audit';
import { parseKey32 } from '../src/secret-key';
import { redactRedisUrl, redisConnectionOptions } from '../src/store';

export interface AuditVerifyOutcome {
  exitCode: 0 | 1 | 2;
  line: string;
}

export interface VerifyInputs {
  prefix: string;
  macKey: Buffer;
  publicKey?: KeyObject;
  checkpointFiles: string[];
}

/** The check itself, separate from the process plumbing so it can run against any trail. */
export async function runAuditVerify(trail: AuditTrail, options: AuditVerifyOptions = {}): Promise<AuditVerifyOutcome> {
  try {
    const result = await trail.verify(options);
    if (result.ok) {
      const anchored = result.checkpoints?.count
        ? `; ${result.checkpoints.count} signed checkpoints up to record ${result.checkpoints.lastSeq} match`
        : '; no signed checkpoints: records cut off the end would not show';
      return { exitCode: 0, line: `audit trail OK: ${result.count} records verified${anchored}` };
    }
    const bad = result.firstBad;
    const where = bad ? `${bad.problem} at seq ${bad.seq}: ${bad.message}` : 'unknown problem';
    return { exitCode: 1, line: `audit trail BROKEN after checking ${result.count} records: ${where}` };
  } catch (err) {
    return { exitCode: 1, line: `audit trail could not be checked: ${(err as Error).message}` };
  }
}

/** Every checkpoint in the files, in order; a line that looks like one but isn't fails the check. */
export async function loadCheckpoints(files: string[]): Promise<SignedCheckpoint[]> {
  const all: SignedCheckpoint[] = [];
  for (const file of files) {
    const { checkpoints, garbled } = parseCheckpoints(await readFile(file, 'utf8'));
    if (garbled.length) throw new Error(`${file} line ${garbled[0]} is a damaged checkpoint`);
    all.push(...checkpoints);
  }
  return all;
}

function argValues(argv: string[], name: string): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === name && argv[i + 1] !== undefined) out.push(argv[i + 1]);
    else if (a.startsWith(`${name}=`)) out.push(a.slice(name.length + 1));
  });
  return out;
}

/** Keys and files from the arguments and the environment, or what is missing. */
export function verifyInputs(argv: string[], env: Record<string, string | undefined>): VerifyInputs | string {
  const prefix =
    argValues(argv, '--prefix')[0] ?? (env.REDIS_KEY_PREFIX ? `${env.REDIS_KEY_PREFIX}audit:` : AUDIT_KEY_PREFIX);
  const files = argValues(argv, '--checkpoints');
  const checkpointFiles = files.length ? files : env.AUDIT_CHECKPOINT_FILE ? [env.AUDIT_CHECKPOINT_FILE] : [];
  if (argv.includes('--sandbox'))
    return {
      prefix,
      macKey: SANDBOX_AUDIT_MAC_KEY,
      publicKey: signingKeyFromSeed(SANDBOX_AUDIT_SIGNING_SEED),
      checkpointFiles,
    };
  const macKey = parseKey32(env.AUDIT_MAC_KEY);
  if (!macKey) return 'AUDIT_MAC_KEY must be set to the key the bot seals the trail with (64 hex digits or base64)';
  const publicText = argValues(argv, '--public-key')[0] ?? env.AUDIT_VERIFY_KEY;
  const publicKey = publicText ? parsePublicKey(publicText) : parseSigningKey(env.AUDIT_SIGNING_KEY)?.key;
  if (publicText && !publicKey)
    return 'the public key must be the 64 hex digits the bot logs at start-up (auditPublicKey)';
  if (checkpointFiles.length && !publicKey)
    return 'checking checkpoints needs the public key: set AUDIT_VERIFY_KEY or pass --public-key';
  return { prefix, macKey, publicKey, checkpointFiles };
}

async function main(): Promise<number> {
  const inputs = verifyInputs(process.argv.slice(2), process.env);
  if (typeof inputs === 'string') {
    console.log(`audit trail could not be checked: ${inputs}`);
    return 2;
  }
  let checkpoints: SignedCheckpoint[];
  try {
    checkpoints = await loadCheckpoints(inputs.checkpointFiles);
  } catch (err) {
    console.log(`audit trail could not be checked: ${(err as Error).message}`);
    return 1;
  }
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  let redis: Redis;
  try {
    const tls = redisConnectionOptions({ url, tlsCaFile: process.env.REDIS_TLS_CA_FILE || undefined });
    redis = new Redis(url, { ...tls, maxRetriesPerRequest: 1, lazyConnect: true });
  } catch (err) {
    console.log(`audit trail could not be checked: ${(err as Error).message}`);
    return 1;
  }
  try {
    await redis.connect();
    const trail = new RedisAuditTrail(redis, { prefix: inputs.prefix, macKey: inputs.macKey });
    const { exitCode, line } = await runAuditVerify(trail, { checkpoints, publicKey: inputs.publicKey });
    console.log(line);
    return exitCode;
  } catch (err) {
    console.log(
      `audit trail could not be checked: cannot reach Redis at ${redactRedisUrl(url)} (${(err as Error).message})`,
    );
    return 1;
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
