// The app's one identity: the host's storage connection, Cosmos, Application Insights and the deployment container
// all authenticate with it. User-assigned so that role assignments can be made before the function app exists.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output principalId string = identity.properties.principalId
