namespace Flasky.Tests;

/// <summary>The checkout the tests were built from: the nearest ancestor of the test binaries holding Flasky.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path => Flasky.Emulators.EmulatorPaths.RepositoryRoot;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
