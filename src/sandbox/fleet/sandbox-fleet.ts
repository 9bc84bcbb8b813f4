import { FABRIKAM_DOMAIN, FABRIKAM_PEOPLE, SANDBOX_DOMAIN, SANDBOX_PEOPLE } from '../people';
import { generateFleet, FleetPerson } from './generate-fleet';
import { ORG_UNITS, RELEASES } from './catalogue';
import { FleetDevice } from './types';

export const SANDBOX_FLEET_SEED = 'device-desk-sandbox';
export const SANDBOX_FLEET_SIZE = 300;

const byEmail = (email: string): string => {
  const person = SANDBOX_PEOPLE.find((p) => p.email === email);
  if (!person) throw new Error(`No sandbox person ${email}`);
  return person.email;
};

/** How many devices each person of the demo tenant owns, and where. */
const OWNERS: FleetPerson[] = [
  { email: byEmail('alexw@example.com'), devices: 1, orgUnitPath: '/Staff/IT' },
  { email: byEmail('meganb@example.com'), devices: 1, orgUnitPath: '/Staff/IT' },
  { email: byEmail('adelev@example.com'), devices: 3, orgUnitPath: '/Staff/Office' },
  { email: byEmail('isaiahl@example.com'), devices: 2, orgUnitPath: '/Schools/North/Teachers' },
  { email: byEmail('pattif@example.com'), devices: 1, orgUnitPath: '/Staff/Office' },
  { email: byEmail('lynner@example.com'), devices: 2, orgUnitPath: '/Staff/IT' },
];

/**
 * The sandbox's fleet: a few hundred devices of a school district, the demo people's among
 * them. Adele's third device runs ChromeOS 112 so a demo can show a restart being refused.
 */
export function sandboxFleet(now: number): FleetDevice[] {
  const fleet = generateFleet({
    seed: SANDBOX_FLEET_SEED,
    size: SANDBOX_FLEET_SIZE,
    domain: SANDBOX_DOMAIN,
    now,
    people: OWNERS,
  });
  const adele = fleet.filter((d) => d.annotatedUser === 'adelev@example.com');
  const old = RELEASES.find((r) => r.milestone === 112);
  if (adele[2] && old) {
    adele[2].osVersion = old.chrome;
    adele[2].platformVersion = adele[2].platformVersion.replace(/^\d+/, String(old.build));
  }
  return fleet;
}

export const FABRIKAM_FLEET_SEED = 'device-desk-fabrikam';
export const FABRIKAM_FLEET_SIZE = 60;

/** Fabrikam's own fleet: another customer in Google, other serials, other people. */
export function fabrikamFleet(now: number): FleetDevice[] {
  return generateFleet({
    seed: FABRIKAM_FLEET_SEED,
    size: FABRIKAM_FLEET_SIZE,
    domain: FABRIKAM_DOMAIN,
    now,
    people: FABRIKAM_PEOPLE.map((p) => ({ email: p.email, devices: 1, orgUnitPath: '/Staff/Office' })),
  });
}

/** The sandbox tenants' org units (both fleets draw from them), whether or not a device landed in each. */
export const SANDBOX_ORG_UNITS: readonly string[] = ORG_UNITS.map((o) => o.path);
