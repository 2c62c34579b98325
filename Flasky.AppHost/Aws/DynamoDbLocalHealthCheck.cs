using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Healthy once DynamoDB Local answers and every declared table is ACTIVE (DescribeTable over its JSON protocol).</summary>
internal sealed class DynamoDbLocalHealthCheck(DynamoDbLocalResource resource) : IHealthCheck
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!resource.Endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        }

        var url = new Uri(resource.Endpoint.Url);
        try
        {
            // No declared table: that DynamoDB Local answers at all is the check.
            var tables = resource.Tables.Count == 0 ? [null] : resource.Tables.Select(t => (string?)t.Name).ToList();
            foreach (var table in tables)
            {
                var (operation, body) = table is null
                    ? ("ListTables", "{}")
                    : ("DescribeTable", JsonSerializer.Serialize(new Dictionary<string, string> { ["TableName"] = table }));
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0"),
                };
                request.Headers.Add("X-Amz-Target", $"DynamoDB_20120810.{operation}");

                // DynamoDB Local wants a SigV4-shaped header but checks no signature.
                request.Headers.TryAddWithoutValidation("Authorization",
                    $"AWS4-HMAC-SHA256 Credential=local/20000101/{DynamoDbLocalResource.Region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
                using var response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return HealthCheckResult.Unhealthy($"{operation} {table} answered {(int)response.StatusCode}.");
                }

                if (table is not null)
                {
                    using var document = await JsonDocument.ParseAsync(
                        await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
                    var status = document.RootElement.GetProperty("Table").GetProperty("TableStatus").GetString();
                    if (status != "ACTIVE")
                    {
                        return HealthCheckResult.Unhealthy($"Table {table} is {status}.");
                    }
                }
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return HealthCheckResult.Unhealthy(
                "DynamoDB Local does not answer. It needs Java 17+: if its console log says Java is missing, install it and restart the resource.");
        }
    }
}
