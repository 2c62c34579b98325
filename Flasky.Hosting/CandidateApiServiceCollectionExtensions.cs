using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.Core.Storage.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Hosting;

public static class CandidateApiServiceCollectionExtensions
{
    /// <summary>Configuration key that names the store explicitly: <c>InMemory</c>, or a registered store's name.</summary>
    public const string StoreKey = "CandidateStore";

    public const string InMemoryStoreName = "InMemory";

    /// <summary>
    /// Registers <see cref="CandidateApi"/>, its options, the store chosen from configuration (bounded by a timeout and a
    /// circuit breaker: <see cref="ResilientCandidateStore"/>) and the store's health check.
    /// </summary>
    /// <remarks>
    /// The store: <c>CandidateStore=InMemory</c> (explicitly, never as a fallback) or <c>CandidateStore=&lt;name&gt;</c>;
    /// otherwise exactly one of <paramref name="stores"/> must be configured. None or more than one is a startup error
    /// that names the keys (never their values, which may hold secrets).
    /// </remarks>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="stores">The real stores this host can use.</param>
    /// <param name="configureApi">Host-specific options: the instance id (required), a response byte budget.</param>
    public static IServiceCollection AddCandidateApi(
        this IServiceCollection services,
        IConfiguration configuration,
        IReadOnlyList<CandidateStoreRegistration> stores,
        Action<CandidateApiOptions> configureApi)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(configureApi);

        var options = new CandidateApiOptions();
        configureApi(options);
        services.AddSingleton(options);
        services.AddSingleton<CandidateApi>();

        var store = SelectStore(configuration, stores);
        if (store is null)
        {
            services.AddSingleton<ICandidateStore, InMemoryCandidateStore>();
        }
        else
        {
            store.Register(services, configuration);
        }

        services.AddCandidateStoreResilience(CandidateStoreResilienceOptions.FromConfiguration(configuration));

        services.AddHealthChecks().AddCheck<CandidateStoreHealthCheck>(CandidateStoreHealthCheck.Name, tags: [CandidateStoreHealthCheck.ReadyTag]);
        return services;
    }

    /// <summary>The store the configuration selects; null for the in-memory store. Throws when the choice is not exactly one.</summary>
    public static CandidateStoreRegistration? SelectStore(IConfiguration configuration, IReadOnlyList<CandidateStoreRegistration> stores)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(stores);
        var explicitName = configuration[StoreKey];
        if (!string.IsNullOrWhiteSpace(explicitName))
        {
            if (string.Equals(explicitName.Trim(), InMemoryStoreName, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var named = stores.FirstOrDefault(s => string.Equals(s.Name, explicitName.Trim(), StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                throw new InvalidOperationException(
                    $"{StoreKey} names no store this host supports. Valid values: {string.Join(", ", [InMemoryStoreName, .. stores.Select(s => s.Name)])}.");
            }

            if (!named.IsConfigured(configuration))
            {
                throw new InvalidOperationException($"{StoreKey}={named.Name}, but that store is not configured: set {named.ConfigurationHint}.");
            }

            return named;
        }

        var configured = stores.Where(s => s.IsConfigured(configuration)).ToList();
        return configured.Count switch
        {
            1 => configured[0],
            0 => throw new InvalidOperationException(
                $"No candidate store is configured: set {string.Join(", or ", [.. stores.Select(s => s.ConfigurationHint), $"{StoreKey}={InMemoryStoreName}"])}."),
            _ => throw new InvalidOperationException(
                $"More than one candidate store is configured ({string.Join("; ", configured.Select(s => $"{s.Name}: {s.ConfigurationHint}"))}). " +
                $"Configure exactly one, or choose one with {StoreKey}=<name>."),
        };
    }
}
