// A user-assigned identity. User-assigned so that its role assignments can be made before the function app exists
// (main.bicep creates two: the runtime identity and the deployment identity).
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
