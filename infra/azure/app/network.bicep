// Only with vnetEnabled (main.bicep): a virtual network for the function app's outbound traffic, and a private
// endpoint with its private DNS zone for each data-plane endpoint the app uses, so that storage and Cosmos DB can turn
// public network access off. Laid out like Azure-Samples/functions-quickstart-dotnet-azd (infra/app/vnet.bicep and
// storage-PrivateEndpoint.bicep): one subnet delegated to Microsoft.App/environments, which Flex Consumption's
// virtual network integration requires, and one for the private endpoints.
param name string
param location string
param tags object
param storageAccountName string
param deploymentStorageAccountName string
param cosmosAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource deploymentStorage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: deploymentStorageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: '10.0.1.0/24'
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: '10.0.2.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

// The private DNS zone of each service: names resolve to the private endpoints from inside the network.
var zoneNames = [
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  'privatelink.documents.azure.com'
]

// Every endpoint the app reaches: host storage blobs and tables (AzureWebJobsStorage__blobServiceUri and
// __tableServiceUri in api.bicep), the deployment container, and the Cosmos DB account.
var privateEndpoints = [
  {
    name: 'storage-blob'
    resourceId: storage.id
    groupId: 'blob'
    zone: 0
  }
  {
    name: 'storage-table'
    resourceId: storage.id
    groupId: 'table'
    zone: 1
  }
  {
    name: 'deployment-storage-blob'
    resourceId: deploymentStorage.id
    groupId: 'blob'
    zone: 0
  }
  {
    name: 'cosmos-sql'
    resourceId: cosmos.id
    groupId: 'Sql'
    zone: 2
  }
]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zoneName in zoneNames: {
    name: zoneName
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zoneName, i) in zoneNames: {
    parent: zones[i]
    name: '${name}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

// One private endpoint at a time: two on the same account at once can be refused while the first is in progress.
@batchSize(1)
resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for endpoint in privateEndpoints: {
    name: 'pe-${endpoint.name}-${name}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, privateEndpointSubnetName)
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.resourceId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource endpointZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (endpoint, i) in privateEndpoints: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.name
          properties: {
            privateDnsZoneId: zones[endpoint.zone].id
          }
        }
      ]
    }
  }
]

// Read by main.bicep for the function app: a module's output is available only once the whole module (every endpoint
// and DNS record) has been deployed, so the app never starts before its storage and Cosmos DB are reachable.
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
