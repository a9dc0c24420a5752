// Storage: one account for the Functions host (AzureWebJobsStorage: timer locks and schedule monitor),
// the Flex deployment package, the federation snapshots (table + spill-over blobs) and the shard queue.
// Keys are disabled: every client authenticates with the app's managed identity.

@description('Azure region of the storage account.')
param location string

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@maxLength(24)
param storageAccountName string

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Name of the snapshot table and of the blob container for snapshots too large for one entity.')
param snapshotsName string

@description('Blob container for the scrape configuration when Federation__ConfigPath is a blob URL (docs/deploy.md).')
param configContainerName string

@description('Queue of shard messages (fan-out of scrape runs to ScrapeShard); its poison queue is <name>-poison.')
param shardQueueName string

@description('Tags applied to every resource.')
param tags object

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Flex Consumption without a virtual network reaches storage over its public endpoint.
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource snapshotContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: snapshotsName
  properties: {
    publicAccess: 'None'
  }
}

resource configContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: configContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource snapshotTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = {
  parent: tableService
  name: snapshotsName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

// Created here so the first run can send at once; the poison queue too, so a poisoned shard is easy to find.
resource shardQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = {
  parent: queueService
  name: shardQueueName
}

resource shardPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = {
  parent: queueService
  name: '${shardQueueName}-poison'
}

@description('Name of the storage account.')
output storageAccountName string = storage.name

@description('Blob service endpoint, e.g. https://<account>.blob.<suffix>/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Table service endpoint, e.g. https://<account>.table.<suffix>/.')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Queue service endpoint, e.g. https://<account>.queue.<suffix>/.')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('URL of the deployment container (the Flex package location).')
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'

@description('URL of the configuration container (upload prometheus.yml there to change the config without a redeploy).')
output configContainerUrl string = '${storage.properties.primaryEndpoints.blob}${configContainer.name}'
