// The fed-functions app: a Flex Consumption (FC1, Linux) plan and a function app whose runtime is
// 'dotnet-isolated' 10.0 (the framework-dependent isolated worker that scripts/package.sh publishes;
// its worker.config.json tells the host to start it with `dotnet`). Every app setting lives here
// because ARM replaces siteConfig.appSettings as a whole on each deployment.

@description('Azure region of the plan and the app.')
param location string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (becomes <name>.azurewebsites.net).')
param appName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity (for managed-identity token requests).')
param identityClientId string

@description('Name of the storage account used for host storage and snapshots.')
param storageAccountName string

@description('Blob service endpoint of the storage account.')
param blobEndpoint string

@description('Table service endpoint of the storage account.')
param tableEndpoint string

@description('Queue service endpoint of the storage account (shard queue).')
param queueEndpoint string

@description('Queue of shard messages that ScrapeShard reads.')
param shardQueueName string

@description('Targets per shard message; a run with more due targets fans out over the queue (0: never).')
param shardSize int

@description('URL of the blob container the plan deploys the app package from.')
param deploymentContainerUrl string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Path of the Prometheus scrape configuration, relative to the app root.')
param configPath string

@description('NCRONTAB schedule (six fields, UTC) of the ScrapeTimer function.')
param scrapeSchedule string

@description('How long a sample still counts as current in /federate (Prometheus duration).')
param lookbackDelta string

@description('How many targets one scrape cycle scrapes at once.')
param maxConcurrency int

@description('Upper bound of instances the plan scales out to.')
param maximumInstanceCount int

@description('Memory of each instance in MB.')
param instanceMemoryMB int

@description('Tags applied to every resource.')
param tags object

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Not FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: Flex takes the runtime from
      // functionAppConfig.runtime and rejects those settings.
      appSettings: [
        // Host storage (timer singleton lock, schedule monitor) with the managed identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // Snapshot storage, identity-based (no FederationStorage connection string in Azure).
        {
          name: 'FederationStorage__tableServiceUri'
          value: tableEndpoint
        }
        {
          name: 'FederationStorage__blobServiceUri'
          value: blobEndpoint
        }
        {
          name: 'FederationStorage__clientId'
          value: identityClientId
        }
        // The shard queue: the app sends with it, the ScrapeShard trigger (connection FederationStorage) reads it
        // with the same identity; the trigger resolves %Federation:ShardQueue%, so the setting must exist.
        {
          name: 'FederationStorage__queueServiceUri'
          value: queueEndpoint
        }
        {
          name: 'FederationStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'Federation__ShardQueue'
          value: shardQueueName
        }
        {
          name: 'Federation__ShardSize'
          value: string(shardSize)
        }
        {
          name: 'Federation__ConfigPath'
          value: configPath
        }
        {
          name: 'Federation__LookbackDelta'
          value: lookbackDelta
        }
        {
          name: 'Federation__MaxConcurrency'
          value: string(maxConcurrency)
        }
        {
          name: 'ScrapeSchedule'
          value: scrapeSchedule
        }
        // Azure.Identity's DefaultAzureCredential picks the user-assigned identity from this.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // The app targets net10.0: .NET 10 (LTS, GA for the isolated worker until 2028-11-14) is the
      // newest version Functions supports. Check the region offers it (docs/deploy.md, Prerequisites).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName
