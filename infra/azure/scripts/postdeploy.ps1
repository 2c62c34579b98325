#!/usr/bin/env pwsh
# azd postdeploy hook for Windows (azure.yaml `windows`, PowerShell 7): the same steps as postdeploy.sh, which azd runs
# on posix. Prove the deployed API is live, key-protected and contract-conformant:
#   1. GET $API_URL/gtg without a key must be 401 (function keys enforced); retried while a fresh host starts;
#   2. the default function key is read with the Azure CLI, in azd's subscription (AZURE_SUBSCRIPTION_ID);
#   3. GET $API_URL/gtg?details with the key is polled until it reports "connected":"true" (new Cosmos DB role
#      assignments take minutes to reach the data plane);
#   4. the contract check (Flasky.Check) runs against $API_URL with that key, passed in its environment
#      (FLASKY_FUNCTION_KEY), never on its command line; it overwrites the same fixed set of check candidates each run.
# Any failure exits non-zero, which fails `azd deploy` / `azd up`. The key is never printed.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-Hook([string] $message) {
    [Console]::Error.WriteLine("postdeploy: $message")
    exit 1
}

function Get-RequiredSetting([string] $name, [string] $why) {
    $value = [Environment]::GetEnvironmentVariable($name)
    if ([string]::IsNullOrEmpty($value)) { Stop-Hook "$name is not set ($why)" }
    return $value
}

function Get-Bound([string] $name, [int] $default) {
    $value = [Environment]::GetEnvironmentVariable($name)
    if ([string]::IsNullOrEmpty($value)) { return $default }
    return [int]$value
}

# One GET; the status code, or 0 when nothing answered. Non-2xx answers are results here, not errors.
function Invoke-Probe([string] $uri, [hashtable] $headers) {
    try {
        return Invoke-WebRequest -Uri $uri -Headers $headers -Method Get -TimeoutSec 30 -SkipHttpErrorCheck -UseBasicParsing
    }
    catch {
        return $null
    }
}

$apiUrl = (Get-RequiredSetting 'API_URL' 'azd sets it from the Bicep outputs').TrimEnd('/')
# Without it `az` would use its own default subscription, which need not be azd's ("resource group not found").
$subscription = Get-RequiredSetting 'AZURE_SUBSCRIPTION_ID' 'azd sets it for hooks; outside azd, set the subscription azd deployed to'
$resourceGroup = Get-RequiredSetting 'AZURE_RESOURCE_GROUP' 'azd sets it from the Bicep outputs'
$appName = Get-RequiredSetting 'AZURE_FUNCTION_APP_NAME' 'azd sets it from the Bicep outputs'

# Bounds of both waits. Defaults: 2 minutes for the host to answer, 15 minutes for data access.
$warmupAttempts = Get-Bound 'POSTDEPLOY_WARMUP_ATTEMPTS' 12
$accessAttempts = Get-Bound 'POSTDEPLOY_ACCESS_ATTEMPTS' 90
$interval = Get-Bound 'POSTDEPLOY_POLL_INTERVAL_SECONDS' 10

$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path

foreach ($tool in 'az', 'dotnet') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { Stop-Hook "$tool is required (the Azure CLI and the .NET SDK)" }
}

$anonymousStatus = ''
for ($attempt = 1; $attempt -le $warmupAttempts; $attempt++) {
    $response = Invoke-Probe "$apiUrl/gtg" @{}
    $anonymousStatus = if ($response) { [string][int]$response.StatusCode } else { '000' }
    if ($anonymousStatus -eq '401') { break }
    if ($anonymousStatus -eq '200') { Stop-Hook 'GET /gtg without a function key returned 200: the API is reachable anonymously' }
    Write-Host "postdeploy: GET /gtg without a key returned '$anonymousStatus' (attempt $attempt of $warmupAttempts); waiting for the host..."
    Start-Sleep -Seconds $interval
}
if ($anonymousStatus -ne '401') { Stop-Hook "GET /gtg without a function key returned '$anonymousStatus', expected 401" }
Write-Host 'postdeploy: GET /gtg without a key is rejected with 401'

$functionKey = & az functionapp keys list `
    --subscription $subscription `
    --resource-group $resourceGroup `
    --name $appName `
    --query functionKeys.default `
    --output tsv
if ($LASTEXITCODE -ne 0) { Stop-Hook "could not read the default function key with the Azure CLI (subscription $subscription)" }
$functionKey = "$functionKey".Trim()
if (-not $functionKey) { Stop-Hook 'the function app has no default function key' }

$connected = $false
for ($attempt = 1; $attempt -le $accessAttempts; $attempt++) {
    $response = Invoke-Probe "$apiUrl/gtg?details" @{ 'x-functions-key' = $functionKey }
    $detailsStatus = if ($response) { [string][int]$response.StatusCode } else { '000' }
    if ($detailsStatus -eq '200') {
        try { $connected = ($response.Content | ConvertFrom-Json).connected -eq 'true' } catch { $connected = $false }
        if ($connected) { break }
    }
    Write-Host "postdeploy: GET /gtg?details returned '$detailsStatus' (attempt $attempt of $accessAttempts): the app cannot reach Cosmos DB yet; new role assignments can take several minutes to apply, waiting..."
    Start-Sleep -Seconds $interval
}
if (-not $connected) {
    Stop-Hook "GET /gtg?details never reported `"connected`":`"true`" after $accessAttempts attempts: check the app's Cosmos DB role assignment and its logs in Application Insights"
}
Write-Host 'postdeploy: the app reaches Cosmos DB (GET /gtg?details: connected)'

Write-Host "postdeploy: running the contract check against $apiUrl"
# The key goes to the check in its environment, never as an argument (arguments are visible to every user in `ps`).
# The check writes only its fixed, documented set of flasky-check-… candidates, overwritten on every deployment.
$env:FLASKY_FUNCTION_KEY = $functionKey
try {
    & dotnet run --project (Join-Path $repoRoot 'Flasky.Check') -- $apiUrl
    $checkExit = $LASTEXITCODE
}
finally {
    Remove-Item Env:FLASKY_FUNCTION_KEY -ErrorAction SilentlyContinue
}
if ($checkExit -ne 0) { Stop-Hook "the contract check failed against $apiUrl" }
Write-Host 'postdeploy: contract check passed'
