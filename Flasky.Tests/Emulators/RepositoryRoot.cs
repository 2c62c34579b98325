namespace Flasky.Tests.Emulators;

internal static class RepositoryRoot
{
    /// <summary>The directory holding Flasky.sln, found by walking up from the test assembly.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Flasky.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Flasky.sln above {AppContext.BaseDirectory}.");
    }
}
