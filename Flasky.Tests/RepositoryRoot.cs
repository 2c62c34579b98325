namespace Flasky.Tests;

/// <summary>The checkout the tests were built from: the nearest ancestor of the test binaries holding Flasky.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Flasky.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Flasky.sln above {AppContext.BaseDirectory}.");
    }
}
