// Log Analytics + workspace-based Application Insights, both with local (shared key / instrumentation key) auth off:
// telemetry is accepted only with an Entra token, which the host gets from the app identity
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING in api.bicep).
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object
@description('Principal id of the app identity, allowed to publish telemetry.')
param appPrincipalId string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    // Queries and ingestion only with Entra tokens, as for Application Insights below: no workspace shared keys.
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// Monitoring Metrics Publisher: the built-in role that Entra-authenticated telemetry ingestion requires.
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The name only: api.bicep reads the connection string from the resource itself, so it never appears in any
// deployment's outputs.
output applicationInsightsName string = applicationInsights.name
