/**
 * The sandbox tenant's Intune devices: phones, tablets and Macs, the demo people's among them,
 * with and without a passcode, and how each behaves when it is sent a remote lock. Deterministic:
 * the same clock start gives the same devices.
 */
import { SANDBOX_DOMAIN } from '../people';
import { ALNUM, chars, DIGITS, FIRST_NAMES, LAST_NAMES, UPPER } from './catalogue';
import { createRandom, type Random } from './random';

export type IntuneConnectivity = 'online' | 'offline' | 'failing';

export interface IntuneDeviceBehaviour {
  /** online: runs a lock within seconds; offline: never checks in; failing: reports the lock failed. */
  connectivity: IntuneConnectivity;
  /** Without a passcode a lock only turns the screen off. */
  passcode: boolean;
  /** Actions this device answers notSupported although its platform lists them (an OS too old for them). */
  rejects?: string[];
}

/** A managed device in Graph's field names, plus its behaviour. */
export interface IntuneFleetDevice {
  id: string;
  deviceName: string;
  serialNumber: string;
  operatingSystem: 'iOS' | 'iPadOS' | 'macOS' | 'Android' | 'Windows' | 'Linux';
  osVersion: string;
  model: string;
  manufacturer: string;
  userPrincipalName: string;
  userDisplayName: string;
  complianceState: string;
  managementState: string;
  managedDeviceOwnerType: string;
  /** Graph's deviceEnrollmentType (v1.0 enum plus beta's Android Enterprise and AOSP members). */
  deviceEnrollmentType: string;
  /** Graph's managementAgent (managementAgentType). */
  managementAgent: string;
  /** iOS/iPadOS enrolled through Apple's automated device enrolment are supervised. */
  isSupervised: boolean;
  lastSyncDateTime: string;
  enrolledDateTime: string;
  behaviour: IntuneDeviceBehaviour;
}

export const INTUNE_FLEET_SEED = 'device-desk-intune';
export const INTUNE_FLEET_SIZE = 40;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hex = '0123456789abcdef';

interface ModelSpec {
  os: IntuneFleetDevice['operatingSystem'];
  model: string;
  manufacturer: string;
  versions: string[];
  serial: (r: Random) => string;
  short: string;
}

const apple = (r: Random) => `${chars(r, UPPER, 1)}${chars(r, ALNUM, 9)}`;
const samsung = (r: Random) => `R5C${chars(r, UPPER, 2)}${chars(r, DIGITS, 2)}${chars(r, ALNUM, 4)}`;
const pixel = (r: Random) => `${chars(r, DIGITS, 2)}${chars(r, UPPER, 3)}${chars(r, ALNUM, 9)}`;

const MODELS: ModelSpec[] = [
  {
    os: 'iOS',
    model: 'iPhone 15',
    manufacturer: 'Apple',
    versions: ['17.5.1', '17.6.1', '18.1'],
    serial: apple,
    short: 'iPhone',
  },
  {
    os: 'iOS',
    model: 'iPhone 13',
    manufacturer: 'Apple',
    versions: ['16.7.10', '17.6.1'],
    serial: apple,
    short: 'iPhone',
  },
  {
    os: 'iPadOS',
    model: 'iPad (10th generation)',
    manufacturer: 'Apple',
    versions: ['17.6.1', '18.1'],
    serial: apple,
    short: 'iPad',
  },
  {
    os: 'macOS',
    model: 'MacBook Air (M2, 2022)',
    manufacturer: 'Apple',
    versions: ['14.6.1', '15.1'],
    serial: apple,
    short: 'MacBook',
  },
  {
    os: 'macOS',
    model: 'MacBook Pro (14-inch, M3)',
    manufacturer: 'Apple',
    versions: ['14.6.1', '15.1'],
    serial: apple,
    short: 'MacBook',
  },
  {
    os: 'Android',
    model: 'Galaxy S23',
    manufacturer: 'samsung',
    versions: ['14', '13'],
    serial: samsung,
    short: 'Galaxy',
  },
  { os: 'Android', model: 'Pixel 8', manufacturer: 'Google', versions: ['15', '14'], serial: pixel, short: 'Pixel' },
];

/** Who gets which device in the demo: fixed so the README and tests can name them. */
const PEOPLE_DEVICES: Array<{
  upn: string;
  name: string;
  model: string;
  passcode: boolean;
  connectivity?: IntuneConnectivity;
  compliance?: string;
}> = [
  { upn: 'adelev@example.com', name: 'Adele Vance', model: 'iPhone 15', passcode: true },
  { upn: 'adelev@example.com', name: 'Adele Vance', model: 'MacBook Air (M2, 2022)', passcode: true },
  { upn: 'alexw@example.com', name: 'Alex Wilber', model: 'iPad (10th generation)', passcode: true },
  { upn: 'meganb@example.com', name: 'Megan Bowen', model: 'Pixel 8', passcode: true },
  {
    upn: 'lynner@example.com',
    name: 'Lynne Robbins',
    model: 'Galaxy S23',
    passcode: false,
    compliance: 'noncompliant',
  },
  {
    upn: 'isaiah@example.com',
    name: 'Isaiah Langer',
    model: 'MacBook Pro (14-inch, M3)',
    passcode: true,
    connectivity: 'offline',
    compliance: 'inGracePeriod',
  },
  {
    upn: 'pattif@example.com',
    name: 'Patti Fernandez',
    model: 'iPhone 13',
    passcode: false,
    compliance: 'noncompliant',
  },
];

function guid(r: Random): string {
  const h = chars(r, hex, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${hex[8 + r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

/** A deterministic Intune fleet: the demo people's devices first, then generated staff devices. */
export function generateIntuneFleet(options: {
  now: number;
  seed?: string;
  size?: number;
  domain?: string;
}): IntuneFleetDevice[] {
  const r = createRandom(`intune:${options.seed ?? INTUNE_FLEET_SEED}`);
  const size = options.size ?? INTUNE_FLEET_SIZE;
  const domain = options.domain ?? SANDBOX_DOMAIN;
  const serials = new Set<string>();
  const devices: IntuneFleetDevice[] = [];

  const make = (
    spec: ModelSpec,
    upn: string,
    displayName: string,
    extra: { passcode: boolean; connectivity: IntuneConnectivity; compliance: string },
  ): IntuneFleetDevice => {
    let serial = spec.serial(r);
    while (serials.has(serial)) serial = spec.serial(r);
    serials.add(serial);
    const enrolled = options.now - r.int(20, 700) * DAY;
    const lastSync =
      extra.connectivity === 'offline' ? options.now - r.int(3, 20) * DAY : options.now - r.int(5, 20 * 60) * 60_000;
    const first = displayName.split(' ')[0];
    return {
      id: guid(r),
      deviceName: `${first}'s ${spec.short}`,
      serialNumber: serial,
      operatingSystem: spec.os,
      osVersion: r.pick(spec.versions),
      model: spec.model,
      manufacturer: spec.manufacturer,
      userPrincipalName: upn,
      userDisplayName: displayName,
      complianceState: extra.compliance,
      managementState: 'managed',
      managedDeviceOwnerType: 'company',
      ...enrolmentOf(spec.os),
      lastSyncDateTime: new Date(lastSync).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      enrolledDateTime: new Date(enrolled).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      behaviour: { connectivity: extra.connectivity, passcode: extra.passcode },
    };
  };

  for (const p of PEOPLE_DEVICES) {
    const spec = MODELS.find((m) => m.model === p.model) as ModelSpec;
    devices.push(
      make(spec, p.upn, p.name, {
        passcode: p.passcode,
        connectivity: p.connectivity ?? 'online',
        compliance: p.compliance ?? 'compliant',
      }),
    );
  }
  while (devices.length < size) {
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    const upn = `${ascii(first)}.${ascii(last)}@${domain}`;
    const connectivity = r.weighted<IntuneConnectivity>([
      ['online', 85],
      ['offline', 10],
      ['failing', 5],
    ]);
    const compliance = r.weighted<string>([
      ['compliant', 80],
      ['noncompliant', 12],
      ['inGracePeriod', 5],
      ['unknown', 3],
    ]);
    devices.push(make(r.pick(MODELS), upn, `${first} ${last}`, { passcode: r.chance(0.85), connectivity, compliance }));
  }
  // Every fleet has a device that fails a lock and one that never checks in, whatever the draw.
  const generated = devices.slice(PEOPLE_DEVICES.length);
  if (generated.length >= 2 && !generated.some((d) => d.behaviour.connectivity === 'failing'))
    generated[generated.length - 1].behaviour.connectivity = 'failing';
  if (generated.length >= 2 && !generated.some((d) => d.behaviour.connectivity === 'offline'))
    generated[generated.length - 2].behaviour.connectivity = 'offline';
  return devices;
}

/** How each generated device is enrolled: Apple automated enrolment, Android Enterprise fully managed. */
function enrolmentOf(
  os: IntuneFleetDevice['operatingSystem'],
): Pick<IntuneFleetDevice, 'deviceEnrollmentType' | 'managementAgent' | 'isSupervised'> {
  if (os === 'Android')
    return {
      deviceEnrollmentType: 'androidEnterpriseFullyManaged',
      managementAgent: 'googleCloudDevicePolicyController',
      isSupervised: false,
    };
  // Automated device enrolment (appleBulkWithUser) supervises iPhones and iPads.
  return { deviceEnrollmentType: 'appleBulkWithUser', managementAgent: 'mdm', isSupervised: os !== 'macOS' };
}

/**
 * Devices the remote lock must not reach (seed 003): Windows, Linux, a personally owned Android
 * work profile, an Android device administrator enrolment, and an iPhone Intune is retiring.
 * Drawn from their own random stream, so the devices above stay the same.
 */
function unlockableDevices(now: number, domain: string): IntuneFleetDevice[] {
  const r = createRandom('intune-unlockable');
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const base = (i: number, first: string, last: string) => ({
    id: guid(r),
    userPrincipalName: `${ascii(first)}.${ascii(last)}@${domain}`,
    userDisplayName: `${first} ${last}`,
    complianceState: 'compliant',
    managementState: 'managed',
    managedDeviceOwnerType: 'company',
    lastSyncDateTime: at(now - (i + 1) * 3 * HOUR),
    enrolledDateTime: at(now - (i + 30) * DAY),
    behaviour: { connectivity: 'online' as const, passcode: true },
    isSupervised: false,
  });
  return [
    {
      ...base(0, 'Nestor', 'Wilke'),
      deviceName: "Nestor's Surface",
      serialNumber: `0F${chars(r, DIGITS, 10)}`,
      operatingSystem: 'Windows',
      osVersion: '10.0.22631.4317',
      model: 'Surface Laptop 5',
      manufacturer: 'Microsoft Corporation',
      deviceEnrollmentType: 'windowsAzureADJoin',
      managementAgent: 'mdm',
    },
    {
      ...base(1, 'Grady', 'Archie'),
      deviceName: "Grady's ThinkPad",
      serialNumber: `PF${chars(r, ALNUM, 6)}`,
      operatingSystem: 'Linux',
      osVersion: 'Ubuntu 22.04',
      model: 'ThinkPad X1 Carbon Gen 11',
      manufacturer: 'LENOVO',
      deviceEnrollmentType: 'unknown',
      managementAgent: 'intuneClient',
    },
    {
      ...base(2, 'Miriam', 'Graham'),
      deviceName: "Miriam's Galaxy",
      serialNumber: samsung(r),
      operatingSystem: 'Android',
      osVersion: '14',
      model: 'Galaxy A54',
      manufacturer: 'samsung',
      managedDeviceOwnerType: 'personal',
      // How Graph reports a personally owned work profile's enrolment type is unconfirmed.
      deviceEnrollmentType: 'userEnrollment',
      managementAgent: 'googleCloudDevicePolicyController',
    },
    {
      ...base(3, 'Johanna', 'Lorenz'),
      deviceName: "Johanna's moto g",
      serialNumber: `ZY${chars(r, ALNUM, 8)}`,
      operatingSystem: 'Android',
      osVersion: '12',
      model: 'moto g(30)',
      manufacturer: 'motorola',
      // Device administrator: the Company Portal's legacy MDM agent, no Android Enterprise enrolment.
      deviceEnrollmentType: 'userEnrollment',
      managementAgent: 'mdm',
    },
    {
      ...base(4, 'Lee', 'Gu'),
      deviceName: "Lee's iPhone",
      serialNumber: apple(r),
      operatingSystem: 'iOS',
      osVersion: '17.6.1',
      model: 'iPhone 13',
      manufacturer: 'Apple',
      managementState: 'retirePending',
      deviceEnrollmentType: 'appleBulkWithUser',
      managementAgent: 'mdm',
      isSupervised: true,
    },
  ];
}

/**
 * Devices for the everyday actions: Windows laptops (online, offline, one that fails), an Android
 * dedicated kiosk (device-level passcode reset) and a personally owned iPhone (user enrolment: not
 * supervised, so no lost mode or restart). Their own random stream, so the devices above stay the same.
 */
function everydayDevices(now: number, domain: string): IntuneFleetDevice[] {
  const r = createRandom('intune-everyday');
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const person = (i: number, first: string, last: string, connectivity: IntuneConnectivity) => ({
    id: guid(r),
    userPrincipalName: `${ascii(first)}.${ascii(last)}@${domain}`,
    userDisplayName: `${first} ${last}`,
    complianceState: 'compliant',
    managementState: 'managed',
    managedDeviceOwnerType: 'company',
    lastSyncDateTime: at(now - (connectivity === 'offline' ? 9 * DAY : (i + 1) * HOUR)),
    enrolledDateTime: at(now - (i + 60) * DAY),
    behaviour: { connectivity, passcode: true },
    isSupervised: false,
  });
  const windows = (i: number, first: string, last: string, connectivity: IntuneConnectivity, model: string) => ({
    ...person(i, first, last, connectivity),
    deviceName: `${first}'s laptop`,
    serialNumber: `5CG${chars(r, DIGITS, 3)}${chars(r, UPPER, 1)}${chars(r, ALNUM, 3)}`,
    operatingSystem: 'Windows' as const,
    osVersion: '10.0.26100.2314',
    model,
    manufacturer: 'HP',
    deviceEnrollmentType: 'windowsAzureADJoin',
    managementAgent: 'mdm',
  });
  return [
    windows(0, 'Diego', 'Siciliani', 'online', 'HP EliteBook 840 G10'),
    windows(1, 'Irvin', 'Sayers', 'offline', 'HP EliteBook 840 G9'),
    windows(2, 'Joni', 'Sherman', 'failing', 'HP ProBook 450 G10'),
    windows(5, 'Pradeep', 'Gupta', 'online', 'HP EliteBook 860 G10'),
    windows(6, 'Christie', 'Cline', 'online', 'HP ZBook Firefly 14 G10'),
    {
      ...person(3, 'Lobby', 'Kiosk', 'online'),
      userPrincipalName: '',
      userDisplayName: '',
      deviceName: 'Lobby kiosk',
      serialNumber: `R9T${chars(r, UPPER, 2)}${chars(r, DIGITS, 2)}${chars(r, ALNUM, 4)}`,
      operatingSystem: 'Android',
      osVersion: '14',
      model: 'Galaxy Tab Active5',
      manufacturer: 'samsung',
      deviceEnrollmentType: 'androidEnterpriseDedicatedDevice',
      managementAgent: 'googleCloudDevicePolicyController',
    },
    {
      ...person(4, 'Henrietta', 'Mueller', 'online'),
      deviceName: "Henrietta's iPhone",
      serialNumber: apple(r),
      operatingSystem: 'iOS',
      osVersion: '18.1',
      model: 'iPhone 14',
      manufacturer: 'Apple',
      managedDeviceOwnerType: 'personal',
      // Apple User Enrollment: personally owned, never supervised.
      deviceEnrollmentType: 'appleUserEnrollment',
      managementAgent: 'mdm',
    },
  ];
}

/** The sandbox's Intune devices (Adele has an iPhone and a MacBook Air), Windows and Linux among them. */
export function sandboxIntuneFleet(now: number): IntuneFleetDevice[] {
  return [
    ...generateIntuneFleet({ now }),
    ...unlockableDevices(now, SANDBOX_DOMAIN),
    ...everydayDevices(now, SANDBOX_DOMAIN),
  ];
}
