// Cosmos DB for NoSQL, serverless, Entra-only: keys are disabled, so the only way in is the data-plane role below.
param accountName string
param location string
param tags object
param databaseName string
param containerName string
@description('Principal id of the app identity.')
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
    publicNetworkAccess: 'Enabled'
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

// What the Cosmos store does, and nothing more: point reads, queries (listing and paging), upserts.
// - readMetadata: every SDK client reads account/container metadata before any data operation.
// - items/upsert is an action of its own ("creates a new item if it doesn't exist or replaces an existing item",
//   Cosmos NoSQL data plane actions reference), so items/create and items/replace are not granted; the store must
//   write with UpsertItem (CreateItem, ReplaceItem or PatchItem would be refused).
// - executeQuery and readChangeFeed: the same reference states that SDK queries need both.
// No delete, no stored procedures, no conflict feed, no wildcards.
var candidateDataActions = [
  'Microsoft.DocumentDB/databaseAccounts/readMetadata'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed'
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert'
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
  dependsOn: [
    account::database
  ]
}

resource appCandidateData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(candidateDataRole.id, appPrincipalId, databaseScope)
  properties: {
    roleDefinitionId: candidateDataRole.id
    principalId: appPrincipalId
    scope: databaseScope
  }
  dependsOn: [
    account::database
  ]
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
    account::database
  ]
}

output endpoint string = account.properties.documentEndpoint
