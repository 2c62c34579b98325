using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Tests.Integration;

/// <summary>Reads an AppHost resource's console log.</summary>
internal static class ResourceLogs
{
    /// <summary>The first line of <paramref name="resource"/>'s log that matches; waits for it (bound it with the token).</summary>
    public static async Task<string> FirstLineAsync(
        DistributedApplication app, string resource, Func<string, bool> predicate, CancellationToken cancellationToken)
    {
        // Logs are kept per resource instance (the DCP name), not per model name.
        var instance = (await app.ResourceNotifications.WaitForResourceAsync(resource, _ => true, cancellationToken)).ResourceId;
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in logs.WatchAsync(instance).WithCancellation(cancellationToken))
        {
            if (batch.FirstOrDefault(l => predicate(l.Content)) is { } line)
            {
                return line.Content;
            }
        }

        throw new InvalidOperationException($"The log of {resource} ended without the line.");
    }
}
