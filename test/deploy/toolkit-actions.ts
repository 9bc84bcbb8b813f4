/**
 * The Microsoft 365 Agents Toolkit actions this project's m365agents*.yml files may use: the
 * parameters each takes (`with`) and the variables it can write (`writeToEnvironmentFile`).
 * Source: the toolkit's YAML schema v1.11 (https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json,
 * shipped by @microsoft/m365agentstoolkit-cli as resource/yaml-schema/v1.11/yaml.schema.json) and
 * the action reference at https://aka.ms/teamsfx-actions. agents-toolkit.test.ts checks this list
 * against the schema the installed CLI ships, so it can't drift from it unnoticed.
 */
export interface KnownAction {
  with: string[];
  writes: string[];
}

export const SCHEMA_VERSION = 'v1.11';

export const KNOWN_ACTIONS: Record<string, KnownAction> = {
  'teamsApp/create': { with: ['name'], writes: ['teamsAppId', 'teamsAppTenantId'] },
  'aadApp/create': {
    with: [
      'name',
      'generateClientSecret',
      'generateServicePrincipal',
      'signInAudience',
      'serviceManagementReference',
      'clientSecretExpireDays',
      'clientSecretDescription',
    ],
    writes: ['clientId', 'objectId', 'clientSecret', 'tenantId', 'authority', 'authorityHost'],
  },
  'botAadApp/create': { with: ['name'], writes: ['botId', 'botPassword'] },
  'botFramework/create': {
    with: ['botId', 'name', 'messagingEndpoint', 'description', 'iconUrl', 'channels'],
    writes: [],
  },
  'arm/deploy': { with: ['subscriptionId', 'resourceGroupName', 'bicepCliVersion', 'templates'], writes: [] },
  'teamsApp/validateManifest': { with: ['manifestPath'], writes: [] },
  'teamsApp/zipAppPackage': { with: ['manifestPath', 'outputZipPath', 'outputFolder'], writes: [] },
  'teamsApp/validateAppPackage': { with: ['appPackagePath'], writes: [] },
  'teamsApp/update': { with: ['appPackagePath'], writes: [] },
  'teamsApp/publishAppPackage': { with: ['appPackagePath'], writes: ['publishedAppId'] },
  'azureAppService/zipDeploy': {
    with: ['artifactFolder', 'resourceId', 'workingDirectory', 'ignoreFile', 'dryRun', 'outputZipFile'],
    writes: [],
  },
  script: { with: ['run', 'workingDirectory', 'shell', 'timeout', 'redirectTo'], writes: [] },
  'cli/runNpmCommand': { with: ['args', 'workingDirectory'], writes: [] },
  'file/createOrUpdateEnvironmentFile': { with: ['envs', 'target'], writes: [] },
};

/** Keys every step may carry besides `with` and `writeToEnvironmentFile` (same schema). */
export const STEP_KEYS = ['uses', 'name', 'env', 'with', 'writeToEnvironmentFile'];
