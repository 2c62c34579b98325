namespace Flasky.Emulators;

/// <summary>Where the emulators' start scripts live: under the checkout these binaries were built from.</summary>
internal static class EmulatorPaths
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

        throw new InvalidOperationException($"No Flasky.sln above {AppContext.BaseDirectory}: the emulators start from the repository's emulators/ folder.");
    }
}
