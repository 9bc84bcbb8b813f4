import type { Permission } from '../src/access';

/**
 * The commands people can type, as help shows them. A command with a permission is listed
 * only for users who hold it (the routes check again on the server whatever help showed).
 */
export interface CommandInfo {
  /** The command's shape; ‹…› marks what to fill in (angle brackets would be read as markup by Teams). */
  usage: string;
  description: string;
  /** One worked example, typed as is. */
  example?: string;
  permission?: Permission;
}

export const COMMANDS: CommandInfo[] = [
  { usage: 'help', description: 'What I can do for you.' },
  {
    usage: 'find ‹serial | asset id | user@domain›',
    example: 'find 5CD12',
    description:
      'Find a device and open its card (also: a serial on its own, "my devices", "who has asset …", "devices in room 12").',
    permission: 'Own devices/Read',
  },
  {
    usage: 'lost mode on ‹serial› · lost mode off ‹serial›',
    example: 'lost mode on 5CD2249XYZ',
    description:
      'Lock a lost device (ChromeOS: the contact message from the Admin console; supervised iPhone or iPad: your message and phone number), or unlock it (asks to confirm).',
    permission: 'Remote tasks/Enable lost mode',
  },
  {
    usage: 'restart ‹serial› [in ‹N› minutes | delay ‹0-300 s›]',
    example: 'restart 5CD2249XYZ in 2 minutes',
    description:
      'Restart a kiosk, managed guest or ChromeOS 113+ device, or an Intune Windows, Mac, supervised iPhone or corporate Android device; users may not be warned (asks to confirm).',
    permission: 'Remote tasks/Reboot now',
  },
  {
    usage: 'wipe ‹serial› · factory reset ‹serial›',
    example: 'wipe 5CD2249XYZ',
    description:
      'Remove every user profile, or erase the whole device; an Intune device is wiped with its platform’s options on the card (always asks to confirm).',
    permission: 'Remote tasks/Wipe',
  },
  {
    usage: 'deprovision ‹serial› reason ‹same-model | different-model | retiring | upgrade›',
    example: 'deprovision 5CD2249XYZ reason retiring',
    description: 'Remove Google policies from a device (always asks to confirm).',
    permission: 'Remote tasks/Retire',
  },
  {
    usage: 'retire for good ‹serial›',
    example: 'retire for good 5CD2249XYZ',
    description:
      'Deprovision, then factory reset: the device is erased and does not re-enrol (needs Retire and Wipe; always asks to confirm).',
    permission: 'Remote tasks/Retire',
  },
  {
    usage: 'lock ‹serial›',
    example: 'lock C02XK1ABJGH5',
    description:
      'Remote lock of an iPhone, iPad, Mac or Android device through Intune (asks to confirm; a Mac gets a recovery PIN shown to you).',
    permission: 'Remote tasks/Remote lock',
  },
  {
    usage: 'retire ‹serial›',
    example: 'retire 5CG924NJQF',
    description:
      'Retire an Intune device: company data removed, no longer managed, personal data stays (always asks to confirm).',
    permission: 'Remote tasks/Retire',
  },
  {
    usage: 'sync ‹serial›',
    example: 'sync SUV2EM5X4V',
    description: 'Make an Intune device check in now (Windows, Mac, iPhone, iPad, Android).',
    permission: 'Remote tasks/Sync devices',
  },
  {
    usage: 'reset passcode ‹serial›',
    example: 'reset passcode R9TXR52F7RU',
    description: 'A new passcode for an Android Enterprise device, shown only to you (asks to confirm).',
    permission: 'Remote tasks/Reset passcode',
  },
  {
    usage: 'locate ‹serial›',
    example: 'locate 5CG343R83N',
    description: 'Where an Intune device is (Windows, corporate Android, a supervised iPhone in lost mode).',
    permission: 'Remote tasks/Locate device',
  },
  {
    usage: 'pin ‹serial› · pin ‹serial› used',
    example: 'pin C02XK1ABJGH5',
    description:
      'A locked Mac’s recovery PIN, in a personal chat only (kept 30 days); say when it was used so the Mac can be locked again.',
    permission: 'Remote tasks/Remote lock',
  },
  {
    usage: 'bulk ‹action› ‹serials, asset ids or device ids› · bulk ‹action› ou:/Org/Unit',
    example: 'bulk lost mode on ou:/Schools/North/Library',
    description:
      'One action on many devices (or attach a CSV file), e.g. `bulk lock` of iPhones, iPads and Android devices (Macs one at a time): a preview first, a per-role limit, a second person approves large runs and factory resets; progress and a CSV of results follow.',
    permission: 'Remote tasks/Enable lost mode',
  },
  { usage: 'bulk status ‹BR-id›', example: 'bulk status BR-7K2M9Q', description: 'Where a bulk run stands.' },
  {
    usage: 'status ‹request id› · my actions',
    example: 'status DD-4F7K2Q',
    description: 'Where an action you ran stands, or your recent ones.',
  },
  {
    usage: 'I lost my laptop · report lost',
    example: 'I lost my laptop',
    description: 'Report one of your devices lost or stolen: the help desk gets it at once and I keep you posted.',
    permission: 'Own devices/Report lost',
  },
  {
    usage: 'I found it · found ‹LR-id›',
    example: 'found LR-3KQ7',
    description: 'Close your own lost-device report when the device turns up; the help desk sees it closed.',
    permission: 'Own devices/Report lost',
  },
  {
    usage: 'reports · report ‹LR-id›',
    example: 'report LR-3KQ7',
    description: 'Open lost-device reports, or one report with its Acknowledge and Resolve buttons.',
    permission: 'Lost reports/Manage',
  },
  {
    usage: 'set helpdesk channel · set oncall channel',
    description:
      'Typed in a channel: lost-device reports go there, or on-call pages when nobody acknowledges one in time.',
    permission: 'Organization/Update',
  },
  {
    usage: 'show settings',
    description: 'The help desk and on-call channels, who is on call, the escalation delay.',
    permission: 'Organization/Read',
  },
  { usage: 'whoami', description: 'Your name, roles, permissions and scopes as I see them.' },
  {
    usage: 'roles',
    description: 'Every role, what it allows and who holds it, people and groups by name.',
    permission: 'Roles/Read',
  },
  {
    usage: 'audit [‹serial› | ‹user@domain›]',
    example: 'audit meganb@example.com',
    description: 'Latest audit entries for a device, a person or the whole tenant.',
    permission: 'Audit/Read',
  },
  {
    usage: 'connector status',
    description: 'The Chrome Enterprise connection: state, last check-in, devices synced.',
    permission: 'Organization/Read',
  },
  {
    usage: 'intune status',
    description: 'The Microsoft Graph permissions the bot holds, whether Intune answers, devices synced.',
    permission: 'Organization/Read',
  },
  {
    usage: 'intune setup',
    description: 'The Microsoft Graph application permissions to grant, and what each is for.',
    permission: 'Organization/Read',
  },
  {
    usage: 'connector setup',
    description: 'What to authorise in the Google Admin console to connect.',
    permission: 'Chrome Enterprise/Update connection settings',
  },
  {
    usage: 'connector connect',
    description: 'Check the Google credentials and start the first sync.',
    permission: 'Chrome Enterprise/Update connection settings',
  },
  {
    usage: 'connector sync',
    description: 'Sync the ChromeOS devices from Google now.',
    permission: 'Chrome Enterprise/Update connection settings',
  },
  {
    usage: 'connector delete',
    description: 'Remove the connection and every synced ChromeOS device (asks to confirm).',
    permission: 'Chrome Enterprise/Delete connection settings',
  },
];
