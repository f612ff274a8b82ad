// Partner Connect on Azure (m365agents.yml, arm/deploy): App Service (Linux, Node 20), the Azure
// Bot resource with the Teams channel, a Key Vault holding MONGODB_URI, and either a serverless
// Cosmos DB for MongoDB account (mongodbMode 'cosmos') or an Atlas URI you supply ('atlas').
// The App Service reads the URI through a Key Vault reference with its managed identity, so the
// connection string is never an app setting in clear.

@maxLength(20)
@minLength(4)
@description('Used to name every resource.')
param resourceBaseName string

@description('The bot Entra app (MicrosoftAppId).')
param botAadAppClientId string

@secure()
@description('The bot Entra app password (MicrosoftAppPassword).')
param botAadAppClientSecret string

@secure()
@minLength(44)
@description('INVITATION_CODE_KEY: 32+ random bytes, base64 (openssl rand -base64 32). Keep it: a new one makes pending invitations unknown.')
param invitationCodeKey string

@allowed(['cosmos', 'atlas'])
param mongodbMode string = 'cosmos'

@secure()
@description('With mongodbMode atlas: the Atlas URI, naming the database (…/partner-connect).')
param atlasMongodbUri string = ''

param webAppSku string = 'B1'
param botDisplayName string = 'Partner Connect'
param location string = resourceGroup().location

var serverfarmsName = resourceBaseName
var webAppName = resourceBaseName
var keyVaultName = '${resourceBaseName}-kv'
var cosmosName = '${resourceBaseName}-mongo'
var databaseName = 'partner-connect'
// Key Vault Secrets User (built-in role).
var secretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'

resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: serverfarmsName
  location: location
  kind: 'linux'
  sku: { name: webAppSku }
  properties: { reserved: true }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node --import tsx index.ts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (mongodbMode == 'cosmos') {
  name: cosmosName
  location: location
  kind: 'MongoDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0 }]
    capabilities: [{ name: 'EnableServerless' }]
    apiProperties: { serverVersion: '7.0' }
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
  }
}

// Cosmos DB's connection string names no database: insert it before the query string.
var cosmosUri = mongodbMode == 'cosmos'
  ? replace(cosmos.listConnectionStrings().connectionStrings[0].connectionString, '/?', '/${databaseName}?')
  : ''

resource mongodbUriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'mongodb-uri'
  properties: { value: mongodbMode == 'cosmos' ? cosmosUri : atlasMongodbUri }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'microsoft-app-password'
  properties: { value: botAadAppClientSecret }
}

resource invitationCodeKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'invitation-code-key'
  properties: { value: invitationCodeKey }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, webApp.id, secretsUserRole)
  properties: {
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRole)
  }
}

// The bot's settings under config/config.ts's names (test/deploy checks they agree).
resource webAppSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  dependsOn: [secretsUser]
  properties: {
    MicrosoftAppId: botAadAppClientId
    MicrosoftAppPassword: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})'
    MicrosoftAppType: 'MultiTenant'
    MONGODB_URI: '@Microsoft.KeyVault(SecretUri=${mongodbUriSecret.properties.secretUri})'
    INVITATION_CODE_KEY: '@Microsoft.KeyVault(SecretUri=${invitationCodeKeySecret.properties.secretUri})'
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    // /home is App Service's persistent storage (mail files when SMTP_URL is unset).
    DATA_DIR: '/home/data'
    LOG_LEVEL: 'info'
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'MultiTenant'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: { channelName: 'MsTeamsChannel' }
}

// Written to env/.env.<env> by the toolkit: the manifest's placeholders and the deploy target.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output PUBLIC_BASE_URL string = 'https://${webApp.properties.defaultHostName}'
output PUBLIC_DOMAIN string = webApp.properties.defaultHostName
