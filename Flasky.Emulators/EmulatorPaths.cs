namespace Flasky.Emulators;

/// <summary>
/// The checkout these binaries were built from: where the emulators' start scripts live, and the one place the tests,
/// the load harness and the launchers find the repository.
/// </summary>
public static class EmulatorPaths
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The nearest ancestor of the running binaries that holds Flasky.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Flasky.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Flasky.sln above {AppContext.BaseDirectory}: run from a build inside the repository (./test.sh, ./bench.sh).");
    }
}
