// The Flex Consumption deployment storage: the one container the platform runs the app package from, in an account of
// its own. Only the deployment identity has a role here, on that container alone, so the runtime identity (which app
// code gets from DefaultAzureCredential) can neither read nor replace the package.
param name string
param location string
param tags object
@description('Private endpoints only (network.bicep), no public network access.')
param vnetEnabled bool
param containerName string
@description('Principal id of the deployment identity.')
param deploymentPrincipalId string

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
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
      bypass: vnetEnabled ? 'None' : 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource container 'containers' = {
      name: containerName
      properties: {
        publicAccess: 'None'
      }
    }
  }
}

// Storage Blob Data Contributor on the container, not the account: the platform reads and writes the package blobs in a
// container that already exists, which needs no container-level (create/delete container) rights.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource packageContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::container.id, deploymentPrincipalId, storageBlobDataContributorRoleId)
  scope: storage::blobService::container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: deploymentPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
output containerName string = storage::blobService::container.name
