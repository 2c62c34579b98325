// The host storage account (AzureWebJobsStorage). Shared keys are off: the host reaches it only with the runtime
// identity. The app package lives in a separate account (deployment-storage.bicep) that this identity has no role on.
param name string
param location string
param tags object
@description('Private endpoints only (network.bicep), no public network access.')
param vnetEnabled bool
@description('Principal id of the runtime identity.')
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
    // Without a virtual network the Flex Consumption workers reach storage over its public endpoint and Entra
    // authentication (shared keys off) is what guards it; with one, only the private endpoints answer.
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
      bypass: vnetEnabled ? 'None' : 'AzureServices'
    }
  }
}

// The host's needs, per "Connecting to host storage with an identity" (Azure Functions app settings reference, table of
// roles for AzureWebJobsStorage): Storage Blob Data Owner for "host only" (general coordination, the default key store,
// creating its containers), plus Storage Table Data Contributor "with support for diagnostic events", which the host
// persists in Table storage through the same connection (diagnostic event AZFD0003 is the error it logs without it).
// No queue role: queues serve blob triggers and Durable Functions, and this app has HTTP triggers only.
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
