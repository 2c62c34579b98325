using System.Reflection;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// The Bicep CLI restored by the PackageDownload of Azure.Bicep.CommandLine.linux-x64 in Flasky.Tests.csproj,
/// whose path the build records as assembly metadata "BicepCli".
/// </summary>
internal static class BicepCli
{
    public static string Path
    {
        get
        {
            var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepCli")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"Bicep CLI not found at '{path}'. Restore Flasky.Tests: it downloads Azure.Bicep.CommandLine.linux-x64.");
            }

            // NuGet extracts package files without guaranteeing the execute bit.
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if (!mode.HasFlag(UnixFileMode.UserExecute))
                {
                    File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }
            }

            return path;
        }
    }

    // Bicep needs only seconds of CPU, but loads Azure's type schemas first: on a shared 2-core machine under a full
    // test run that has taken over two minutes of wall time, so it gets a longer (still bounded) wait.
    public static Task<ToolRun> RunAsync(params string[] arguments) =>
        ExternalTool.RunAsync(Path, arguments, timeout: TimeSpan.FromMinutes(10));
}
