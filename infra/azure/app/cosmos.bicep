// Cosmos DB for NoSQL, serverless, Entra-only: keys are disabled, so the only way in is the data-plane role below.
param accountName string
param location string
param tags object
param databaseName string
param containerName string
@description('Private endpoint only (network.bicep), no public network access.')
param vnetEnabled bool
@description('Principal id of the runtime identity.')
param appPrincipalId string
@description('Object id of the user running azd; empty for none.')
param userPrincipalId string = ''

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
  }

  resource database 'sqlDatabases' = {
    name: databaseName
    properties: {
      resource: {
        id: databaseName
      }
    }

    resource container 'containers' = {
      name: containerName
      properties: {
        resource: {
          id: containerName
          partitionKey: {
            paths: [
              '/CandidateName'
            ]
            kind: 'Hash'
            version: 2
          }
        }
      }
    }
  }
}

var databaseScope = '${account.id}/dbs/${databaseName}'

// What the Cosmos store does, and nothing more: point reads, queries (listing and paging), upserts, and deleting
// its own encoded duplicate of an item the seed wrote under the plain id (a race between the two writers).
// - readMetadata: every SDK client reads account/container metadata before any data operation.
// - items/upsert is an action of its own ("creates a new item if it doesn't exist or replaces an existing item",
//   Cosmos NoSQL data plane actions reference), so items/create and items/replace are not granted; the store must
//   write with UpsertItem (CreateItem, ReplaceItem or PatchItem would be refused).
// - executeQuery and readChangeFeed: the same reference states that SDK queries need both.
// - items/delete: only for that duplicate (CosmosCandidateStore.UpsertAsync); the API itself has no delete.
// No stored procedures, no conflict feed, no wildcards.
var candidateDataActions = [
  'Microsoft.DocumentDB/databaseAccounts/readMetadata'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/delete'
]

resource candidateDataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' = {
  parent: account
  name: guid(account.id, 'flasky-candidate-data')
  properties: {
    roleName: 'Flasky candidate data (read, query, upsert)'
    type: 'CustomRole'
    assignableScopes: [
      databaseScope
    ]
    permissions: [
      {
        dataActions: candidateDataActions
      }
    ]
  }
  // After the container, not just the database: a role write while the container is still being created contends for
  // the same account lock (the 412 below), and assignments started before the container exists can be refused with
  // "collection ... could not be found" (Azure/ARO-HCP#6955 fixed that by depending on the container).
  dependsOn: [
    account::database::container
  ]
}

// Cosmos DB takes an exclusive account lock for every SQL role assignment write, so two written at once can fail with
// 412 PreconditionFailed "There is another user operation in progress which requires an exclusive lock"
// (hashicorp/terraform-provider-azurerm#15842, fixed there by serialising the writes). ARM runs independent resources
// in parallel, so the assignments form a chain: the app's after the role definition, the user's after the app's.
resource appCandidateData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(candidateDataRole.id, appPrincipalId, databaseScope)
  properties: {
    roleDefinitionId: candidateDataRole.id
    principalId: appPrincipalId
    scope: databaseScope
  }
}

resource userCandidateData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(userPrincipalId)) {
  parent: account
  name: guid(candidateDataRole.id, userPrincipalId, databaseScope)
  properties: {
    roleDefinitionId: candidateDataRole.id
    principalId: userPrincipalId
    scope: databaseScope
  }
  dependsOn: [
    appCandidateData
  ]
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
// The names the app reads (cosmos__databaseName, cosmos__containerName), from the resources themselves.
output databaseName string = account::database.name
output containerName string = account::database::container.name
