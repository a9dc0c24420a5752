// Data-plane role assignments for the app's user-assigned identity. Names are guid()s of resource ids
// (known when the deployment starts), never of module outputs.

@description('Name of the storage account (host storage, deployment package, snapshots).')
param storageAccountName string

@description('Name of the Application Insights component the app publishes telemetry to.')
param appInsightsName string

@description('Resource id of the user-assigned identity (part of each assignment name).')
param identityId string

@description('Principal (object) id of the user-assigned identity.')
param identityPrincipalId string

// Built-in role definition ids.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

// Blob Data Owner: host storage (timer locks, schedule monitor), the deployment package, snapshot blobs.
// Table Data Contributor: snapshots and host diagnostic events. Queue Data Contributor: host storage and
// the shard queue: sending shards, and the ScrapeShard trigger's receive, update (retry), delete and poison
// queue (Message Processor alone lacks update and adding to the poison queue).
var storageRoles = [
  storageBlobDataOwner
  storageTableDataContributor
  storageQueueDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, identityId, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}
