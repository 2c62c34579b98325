using Flasky.Core.Storage;
using Flasky.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flasky.Firestore;

public static class FirestoreServiceCollectionExtensions
{
    /// <summary>This store, for a host to pass to <see cref="CandidateApiServiceCollectionExtensions.AddCandidateApi"/>.</summary>
    public static CandidateStoreRegistration Registration { get; } = new(
        "Firestore",
        $"{FirestoreStoreOptions.ProjectVariable} (and {FirestoreStoreOptions.EmulatorHostVariable} for the emulator)",
        FirestoreStoreOptions.IsConfigured,
        (services, configuration) => services.AddFirestoreCandidateStore(configuration));

    /// <summary>
    /// Registers the Firestore <see cref="ICandidateStore"/>, configured from <c>GOOGLE_CLOUD_PROJECT</c>,
    /// <c>FIRESTORE_EMULATOR_HOST</c> and the <c>Firestore</c> section (see <see cref="FirestoreStoreOptions.FromConfiguration"/>).
    /// </summary>
    public static IServiceCollection AddFirestoreCandidateStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = FirestoreStoreOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton<ICandidateStore>(provider => new FirestoreCandidateStore(
            FirestoreHttpClient.Create(options),
            options,
            provider.GetService<ILogger<FirestoreCandidateStore>>()));
        return services;
    }
}
