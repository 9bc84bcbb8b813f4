import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a service account JSON key with a fresh RSA key, shaped like the one Google hands out. */
export function writeServiceAccountKey(dir: string): string {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const file = join(dir, 'service-account.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'service_account',
      project_id: 'device-desk-test',
      client_email: 'device-desk@device-desk-test.iam.gserviceaccount.com',
      client_id: '100000000000000000042',
      private_key: privateKey,
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return file;
}
