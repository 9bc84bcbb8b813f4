/**
 * Azure resource types and API versions infra/azure.bicep may use. Each is a published, stable
 * version of its type in the Azure Resource Manager template reference
 * (https://learn.microsoft.com/azure/templates/<provider>/<api-version>/<type>); checked by hand
 * against that reference, since Bicep's compiler is not available on this machine.
 */
export const KNOWN_RESOURCE_TYPES: Record<string, string> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.KeyVault/vaults/secrets': '2023-07-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.Cache/redis': '2024-03-01',
  'Microsoft.ContainerRegistry/registries': '2023-07-01',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.App/managedEnvironments': '2024-03-01',
  'Microsoft.App/containerApps': '2024-03-01',
  'Microsoft.BotService/botServices': '2022-09-15',
  'Microsoft.BotService/botServices/channels': '2022-09-15',
};
