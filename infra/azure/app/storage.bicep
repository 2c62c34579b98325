// The host storage account (AzureWebJobsStorage) and the Flex Consumption deployment container.
// Shared keys are off: the host and the platform reach it only with the app identity.
param name string
param location string
param tags object
param deploymentContainerName string
@description('Principal id of the app identity.')
param appPrincipalId string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // No virtual network in this deployment, so the Flex Consumption workers reach storage over its public endpoint;
    // Entra authentication (shared keys off) is what guards it.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }
}

// Storage Blob Data Owner: the host keeps its function keys (azure-webjobs-secrets) and leases in blobs, and the
// platform reads the deployment package from the container above. The app has only HTTP triggers, so it needs no
// queue role (used by blob triggers) and no table role (the host's diagnostic-event table is written only through a
// key-based connection string, which this account refuses anyway).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
