// Flasky on Azure: the Functions host on Flex Consumption, Cosmos DB for NoSQL as its store.
// Deployed by `azd up` (azure.yaml at the repository root). Every data-plane connection uses the app's
// user-assigned managed identity: no account keys, no connection strings with secrets, nothing secret in outputs.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group (rg-<name>) and seeds the unique resource names.')
param environmentName string

// Regions that offer the Flex Consumption plan, so that a region without it is refused at azd's prompt instead of
// failing after Cosmos DB and storage already exist. Source: `az functionapp list-flexconsumption-locations`, the same
// list the Azure-Samples/functions-quickstart-dotnet-azd template allows (infra/main.bicep, February 2026), less the
// canary region eastus2euap. Refresh it from that command when Flex Consumption reaches new regions.
@minLength(1)
@description('Azure region for every resource; only regions that offer the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
// azd reads this to offer only Azure locations at its prompt (Azure-Samples/functions-quickstart-dotnet-azd does the same).
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the principal running azd (AZURE_PRINCIPAL_ID). When set, it gets the same narrow Cosmos data role as the app, so a developer can inspect candidates; empty skips that assignment.')
param principalId string = ''

@description('Put storage and Cosmos DB behind private endpoints in a new virtual network and turn their public access off (azd env set VNET_ENABLED true). Off by default: the data-plane roles, not the network, guard them then.')
param vnetEnabled bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
// Flex Consumption runs the package from this blob container; one container per app.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
// Store layout shared with the seed's deployments (docs/api-contract.md, "Data compatibility"). Declared only here: the
// cosmos module creates them and outputs their names, which reach the app as settings (cosmos__databaseName, ...).
var cosmosDatabaseName = 'CandidateDatabase'
var cosmosContainerName = 'Candidates'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The runtime identity: the Functions host (its storage) and Flasky's code (Cosmos DB, telemetry).
module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

// The deployment identity: the platform fetches the app package with it. Only it can write the package, so the
// runtime identity (and code running under it by default) cannot replace the code that runs.
module deploymentIdentity 'app/identity.bicep' = {
  name: 'deploymentIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}deploy-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    appPrincipalId: identity.outputs.principalId
  }
}

module deploymentStorage 'app/deployment-storage.bicep' = {
  name: 'deploymentStorage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${abbrs.deploymentStorageSuffix}${resourceToken}'
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    containerName: deploymentContainerName
    deploymentPrincipalId: deploymentIdentity.outputs.principalId
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

// Only with vnetEnabled: the virtual network, the app's integration subnet and a private endpoint (with its private
// DNS zone) for every data-plane endpoint the app uses.
module network 'app/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deploymentStorageAccountName: deploymentStorage.outputs.name
    cosmosAccountName: cosmos.outputs.name
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityName: identity.outputs.name
    deploymentIdentityName: deploymentIdentity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentStorageAccountName: deploymentStorage.outputs.name
    deploymentContainerName: deploymentStorage.outputs.containerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosContainerName: cosmos.outputs.containerName
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
  // Using the storage, cosmos and monitoring outputs also orders this module after them, so the identity holds its
  // data roles (assigned inside those modules) before the host first starts; with vnetEnabled the subnet output
  // orders it after the private endpoints too.
}

// Read by azd (and by infra/azure/scripts/postdeploy.sh). Names and endpoints only: keys and connection strings
// never leave the resource group.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output API_URL string = api.outputs.url
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmosDatabaseName
output AZURE_COSMOS_CONTAINER string = cosmosContainerName
