// fed-functions on Azure: serverless Prometheus federation as an Azure Functions isolated worker
// (.NET 10) on the Flex Consumption plan (FC1, Linux). Deploy with
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam
// then zip-deploy the package from scripts/package.sh (docs/deploy.md).
targetScope = 'resourceGroup'

@description('Azure region for every resource; Flex Consumption must be offered there.')
param location string = resourceGroup().location

@description('Short prefix of resource names: 3-11 lowercase letters and digits.')
@minLength(3)
@maxLength(11)
param baseName string = 'fedfn'

@description('NCRONTAB schedule (six fields, UTC) on which ScrapeTimer scrapes the targets.')
param scrapeSchedule string = '0 */1 * * * *'

@description('Prometheus scrape configuration: a path relative to the app root (package.sh puts prometheus.yml there), or the URL of a blob in the storage account\'s config container (output configBlobUrl), reloaded when it changes.')
param configPath string = 'prometheus.yml'

@description('How long a sample still counts as current in /federate (Prometheus duration).')
param lookbackDelta string = '5m'

@description('How many targets one scrape cycle scrapes at once (1-1024).')
@minValue(1)
@maxValue(1024)
param maxConcurrency int = 32

@description('Targets per shard message: a scrape run with more due targets sends them to the shard queue, and ScrapeShard instances scrape them (0: every run scrapes inline).')
@minValue(0)
@maxValue(10000)
param shardSize int = 100

@description('Upper bound of instances the Flex plan scales out to (it also caps how fast ScrapeShard drains the queue).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Flex instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Tags applied to every resource.')
param tags object = {}

// Deterministic per resource group, so redeploying updates the same resources.
var token = uniqueString(subscription().id, resourceGroup().id, baseName)
var appName = 'func-${baseName}-${token}'
var snapshotsName = 'fedsnapshots'
var shardQueueName = 'scrape-shards'
// Names are computed here and passed to every module (not read back from module outputs), so What-If
// and the role-assignment guid()s see them when the deployment starts.
var storageAccountName = take(replace(toLower('st${baseName}${token}'), '-', ''), 24)
var appInsightsName = 'appi-${baseName}-${token}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${token}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-${baseName}-${token}'
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    storageAccountName: storageAccountName
    deploymentContainerName: 'app-package'
    snapshotsName: snapshotsName
    configContainerName: 'config'
    shardQueueName: shardQueueName
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: storageAccountName
    appInsightsName: appInsightsName
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
  // The account and the component must exist before roles are assigned on them.
  dependsOn: [
    storage
    monitoring
  ]
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    location: location
    planName: 'plan-${baseName}-${token}'
    appName: appName
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    shardQueueName: shardQueueName
    shardSize: shardSize
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsName: appInsightsName
    configPath: configPath
    scrapeSchedule: scrapeSchedule
    lookbackDelta: lookbackDelta
    maxConcurrency: maxConcurrency
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    tags: tags
  }
  // The host needs its storage roles and the App Insights component before it starts
  // (role assignments still take minutes to propagate).
  dependsOn: [
    monitoring
    rbac
  ]
}

@description('Name of the function app (for zip deploy and key lookup).')
output functionAppName string = app.outputs.name

@description('Default host name of the function app.')
output defaultHostName string = app.outputs.defaultHostName

@description('The /federate endpoint; append ?code=<function key>&match[]=<selector>.')
output federateUrl string = 'https://${app.outputs.defaultHostName}/federate'

@description('Name of the storage account (grant yourself Storage Blob Data Contributor to zip-deploy).')
output storageAccountName string = storageAccountName

@description('Where to upload the scrape configuration to change it without a redeploy; set configPath to this URL to use it (docs/deploy.md).')
output configBlobUrl string = '${storage.outputs.configContainerUrl}/prometheus.yml'
