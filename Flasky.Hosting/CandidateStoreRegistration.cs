using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Hosting;

/// <summary>
/// How a store project offers itself to a host: the host passes the registrations it supports to
/// <see cref="CandidateApiServiceCollectionExtensions.AddCandidateApi"/>, so the hosting layer never references a store.
/// </summary>
/// <param name="Name">The store's name, also accepted as the value of <c>CandidateStore</c> (e.g. <c>Cosmos</c>).</param>
/// <param name="ConfigurationHint">The configuration keys that select this store, for startup errors (never their values).</param>
/// <param name="IsConfigured">True when the configuration selects this store.</param>
/// <param name="Register">Adds the store's <see cref="Flasky.Core.Storage.ICandidateStore"/> and whatever it needs.</param>
public sealed record CandidateStoreRegistration(
    string Name,
    string ConfigurationHint,
    Func<IConfiguration, bool> IsConfigured,
    Action<IServiceCollection, IConfiguration> Register);
