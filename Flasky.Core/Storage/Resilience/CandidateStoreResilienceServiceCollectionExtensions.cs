using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Core.Storage.Resilience;

public static class CandidateStoreResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="ICandidateStore"/> (whichever store a host chose) in
    /// <see cref="ResilientCandidateStore"/>, so the API and the health check both use the bounded, circuit-broken store.
    /// Call once, after the store is registered.
    /// </summary>
    public static IServiceCollection AddCandidateStoreResilience(this IServiceCollection services, CandidateStoreResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ICandidateStore))
            ?? throw new InvalidOperationException("Register the candidate store before its resilience.");
        if (registered.Lifetime != ServiceLifetime.Singleton || registered.IsKeyedService)
        {
            throw new InvalidOperationException("The candidate store must be a singleton: the circuit is shared by every request.");
        }

        services.Remove(registered);
        services.AddSingleton(options);
        services.AddSingleton<ICandidateStore>(provider => new ResilientCandidateStore(
            Create(provider, registered),
            options,
            provider.GetService<ILogger<ResilientCandidateStore>>()));
        return services;
    }

    private static ICandidateStore Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as ICandidateStore
            ?? descriptor.ImplementationFactory?.Invoke(provider) as ICandidateStore
            ?? (ICandidateStore)ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);
}
