// Device Desk on Azure: Key Vault holding every secret, Azure Cache for Redis (TLS only), a
// container registry, a Container App running the Dockerfile's image with its secrets as Key
// Vault references, and the Azure Bot with its Teams channel. Deployed by m365agents.yml twice:
// at provision without an image (a placeholder runs), at deploy with the image built in the registry.

@minLength(4)
@maxLength(20)
@description('Start of every resource name (letters and digits).')
param resourceBaseName string

param location string = resourceGroup().location

@description('The bot app registration (aadApp/create): client id and tenant.')
param botAppId string
param botTenantId string
@allowed(['SingleTenant', 'MultiTenant'])
@description('SingleTenant for new bots; MultiTenant only for an existing multi-tenant registration.')
param botAppType string = 'SingleTenant'
@maxLength(42)
param botDisplayName string = 'Device Desk'

@secure()
param botPassword string
@secure()
@description('The Google service account JSON key, base64.')
param googleServiceAccountKeyBase64 string
@secure()
param graphClientSecret string
@secure()
param pinEncryptionKey string
@secure()
param auditMacKey string
@secure()
@description('The Ed25519 seed that signs audit checkpoints, 64 hex digits.')
param auditSigningKey string

param googleAdminSubject string
param googleCustomerId string = 'my_customer'
param graphTenantId string
param graphClientId string
param allowedTenantIds string = ''
param accessConfig string = 'config/access.yaml'
param redisKeyPrefix string = 'desk:'
@description('Replica counts, as text (the toolkit fills parameters from .env files).')
param minReplicas string = '1'
param maxReplicas string = '1'

@description('Empty at provision (a placeholder runs); the deploy step sets the image it built.')
param containerImage string = ''

var deployed = !empty(containerImage)
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
var suffix = uniqueString(resourceGroup().id, resourceBaseName)
// Built-in role ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${resourceBaseName}kv${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// Azure Cache for Redis: TLS on 6380 only, no eviction (the audit trail and queued jobs live here).
resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: '${resourceBaseName}-redis-${suffix}'
  location: location
  properties: {
    sku: { name: 'Standard', family: 'C', capacity: 1 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    redisConfiguration: { 'maxmemory-policy': 'noeviction' }
  }
}

var secretValues = {
  'bot-password': botPassword
  'google-service-account': base64ToString(googleServiceAccountKeyBase64)
  'graph-client-secret': graphClientSecret
  'pin-encryption-key': pinEncryptionKey
  'audit-mac-key': auditMacKey
  'audit-signing-key': auditSigningKey
  'redis-url': 'rediss://:${redis.listKeys().primaryKey}@${redis.properties.hostName}:6380'
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for name in objectKeys(secretValues): {
    parent: vault
    name: name
    properties: { value: secretValues[name] }
  }
]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: take('${resourceBaseName}acr${suffix}', 50)
  location: location
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${resourceBaseName}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// Container App secrets are references to Key Vault, read with the app's identity.
var secretRefs = [
  for (name, i) in objectKeys(secretValues): {
    name: name
    keyVaultUrl: secrets[i].properties.secretUri
    identity: identity.id
  }
]

var settings = [
  { name: 'PORT', value: '3978' }
  { name: 'MicrosoftAppId', value: botAppId }
  { name: 'MicrosoftAppType', value: botAppType }
  { name: 'MicrosoftAppTenantId', value: botTenantId }
  { name: 'MicrosoftAppPassword', secretRef: 'bot-password' }
  { name: 'ALLOWED_TENANT_IDS', value: allowedTenantIds }
  { name: 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE', value: '/mnt/secrets/google-service-account' }
  { name: 'GOOGLE_ADMIN_SUBJECT', value: googleAdminSubject }
  { name: 'GOOGLE_CUSTOMER_ID', value: googleCustomerId }
  { name: 'GRAPH_TENANT_ID', value: graphTenantId }
  { name: 'GRAPH_CLIENT_ID', value: graphClientId }
  { name: 'GRAPH_CLIENT_SECRET', secretRef: 'graph-client-secret' }
  { name: 'PIN_ENCRYPTION_KEY', secretRef: 'pin-encryption-key' }
  { name: 'AUDIT_MAC_KEY', secretRef: 'audit-mac-key' }
  { name: 'AUDIT_SIGNING_KEY', secretRef: 'audit-signing-key' }
  { name: 'REDIS_URL', secretRef: 'redis-url' }
  { name: 'REDIS_KEY_PREFIX', value: redisKeyPrefix }
  { name: 'ACCESS_CONFIG', value: accessConfig }
  { name: 'PUBLIC_URL', value: 'https://${appFqdn}' }
]

var appName = '${resourceBaseName}-app'
var appFqdn = '${appName}.${environment.properties.defaultDomain}'

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [vaultReader, registryReader]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: deployed ? 3978 : 80
        transport: 'auto'
        allowInsecure: false
      }
      registries: deployed ? [{ server: registry.properties.loginServer, identity: identity.id }] : []
      secrets: deployed ? secretRefs : []
    }
    template: {
      containers: [
        {
          name: 'device-desk'
          image: deployed ? containerImage : placeholderImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: deployed ? settings : []
          volumeMounts: deployed ? [{ volumeName: 'secret-files', mountPath: '/mnt/secrets' }] : []
          probes: deployed
            ? [
                {
                  type: 'Liveness'
                  httpGet: { path: '/healthz', port: 3978 }
                  initialDelaySeconds: 10
                  periodSeconds: 30
                  failureThreshold: 3
                }
                {
                  // Turns go to a replica only while Redis, its tenants and its queues are up; 503 from SIGTERM on.
                  type: 'Readiness'
                  httpGet: { path: '/readyz', port: 3978 }
                  initialDelaySeconds: 5
                  periodSeconds: 5
                  timeoutSeconds: 3
                  failureThreshold: 2
                }
              ]
            : []
        }
      ]
      // Only the Google key is a file (GOOGLE_SERVICE_ACCOUNT_KEY_FILE); the rest are variables.
      volumes: deployed
        ? [
            {
              name: 'secret-files'
              storageType: 'Secret'
              secrets: [{ secretRef: 'google-service-account', path: 'google-service-account' }]
            }
          ]
        : []
      scale: { minReplicas: int(minReplicas), maxReplicas: int(maxReplicas) }
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${resourceBaseName}-bot'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${appFqdn}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: botAppType == 'SingleTenant' ? botTenantId : ''
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

// Written into env/.env.<env> by arm/deploy.
output BOT_DOMAIN string = appFqdn
output BOT_ENDPOINT string = 'https://${appFqdn}'
output AZURE_KEY_VAULT_NAME string = vault.name
output AZURE_CONTAINER_REGISTRY_NAME string = registry.name
output AZURE_CONTAINER_REGISTRY_LOGIN_SERVER string = registry.properties.loginServer
output AZURE_CONTAINER_APP_NAME string = app.name
output AZURE_REDIS_NAME string = redis.name
