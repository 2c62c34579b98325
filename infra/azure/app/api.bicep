// The Flasky.Functions app on a Flex Consumption plan.
//
// Function keys: every function is AuthorizationLevel.Function in code, and the host enforces the keys. Nothing here
// may weaken that: no anonymous auth level override, no EasyAuth "allow anonymous", no app setting that disables
// key checks. An anonymous deployment would have to be an explicit, separate opt-in.
param name string
param planName string
param location string
param tags object
@description('The runtime identity: host storage, Cosmos DB, Application Insights.')
param identityName string
@description('The deployment identity: the app package only.')
param deploymentIdentityName string
param storageAccountName string
param deploymentStorageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param cosmosEndpoint string
@description('The Cosmos DB database and container the store uses (the cosmos module\'s outputs).')
param cosmosDatabaseName string
param cosmosContainerName string
@description('Subnet for virtual network integration (delegated to Microsoft.App/environments); empty for none.')
param virtualNetworkSubnetId string = ''

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource deploymentIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: deploymentIdentityName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource deploymentStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: deploymentStorageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
      '${deploymentIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound traffic to storage and Cosmos DB through the virtual network's private endpoints (vnetEnabled only).
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    // Flex Consumption takes the runtime from here, not from FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION
    // app settings (deprecated on this plan), so those are deliberately absent below.
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${deploymentStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: deploymentIdentity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // The complete set of app settings (this resource replaces whatever was there). Flasky.Tests/Infrastructure pins it.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage over Entra, with a service URI per service the host uses instead of __accountName, from which the
      // host would derive every endpoint ("Connecting to host storage with an identity", Functions app settings
      // reference; Azure-Samples/functions-quickstart-dotnet-azd sets only the URIs its app needs the same way).
      // Blob: keys, leases, host coordination. Table: the host's diagnostic events (storage.bicep grants the table
      // role for them). No queue URI: nothing here uses queues (blob triggers and Durable Functions would).
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      // Application Insights accepts only Entra-authenticated telemetry (DisableLocalAuth in monitoring.bicep).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      // Read by Flasky.Functions: the Cosmos endpoint, database and container, and the identity DefaultAzureCredential
      // should use.
      cosmos__accountEndpoint: cosmosEndpoint
      cosmos__databaseName: cosmosDatabaseName
      cosmos__containerName: cosmosContainerName
      AZURE_CLIENT_ID: identity.properties.clientId
    }
  }

  // Basic (user name + password) publishing is off for both FTP and the SCM site: deployments authenticate with
  // Entra, which is what azd uses.
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output url string = 'https://${functionApp.properties.defaultHostName}'
