import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors';
import { parseTenantsFile } from '../../src/tenants';

const problems = (text: string): string[] => {
  try {
    parseTenantsFile(text, 'tenants.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('the tenants file', () => {
  it('reads each tenant with its own Google connection, Graph app and roles; secrets stay in the environment', () => {
    const [t] = parseTenantsFile(
      `
tenants:
  - id: 11111111-2222-3333-4444-555555555555
    name: Fabrikam
    google:
      serviceAccountKeyFile: /run/secrets/fabrikam.json
      adminSubject: admin@fabrikam.com
    graph:
      clientId: 66666666-7777-8888-9999-000000000000
      clientSecretEnv: FABRIKAM_GRAPH_SECRET
    access: config/access.fabrikam.yaml
`,
    );
    expect(t).toEqual({
      id: '11111111-2222-3333-4444-555555555555',
      name: 'Fabrikam',
      google: {
        serviceAccountKeyFile: '/run/secrets/fabrikam.json',
        adminSubject: 'admin@fabrikam.com',
        customerId: 'my_customer',
      },
      graph: { clientId: '66666666-7777-8888-9999-000000000000', clientSecretEnv: 'FABRIKAM_GRAPH_SECRET' },
      access: 'config/access.fabrikam.yaml',
    });
  });

  it('names what is wrong and where', () => {
    expect(problems('tenants:\n  - id: fabrikam.com\n    name: Fabrikam\n')).toEqual([
      'tenants.yaml: tenants.0.id: must be the Entra tenant id (a GUID)',
    ]);
    expect(
      problems(
        'tenants:\n  - id: 11111111-2222-3333-4444-555555555555\n    name: A\n    graph: { clientId: 66666666-7777-8888-9999-000000000000, clientSecret: hunter2 }\n',
      )[0],
    ).toMatch(/tenants\.0\.graph.*clientSecret/);
    expect(
      problems(
        'tenants:\n  - { id: 11111111-2222-3333-4444-555555555555, name: A }\n  - { id: 11111111-2222-3333-4444-555555555555, name: B }\n',
      ),
    ).toEqual(['tenants.yaml: tenant 11111111-2222-3333-4444-555555555555 is listed twice; one entry per tenant']);
  });

  it('the sample in config/ is valid', () => {
    expect(parseTenantsFile(readFileSync('config/tenants.sample.yaml', 'utf8')).length).toBeGreaterThan(0);
  });
});
