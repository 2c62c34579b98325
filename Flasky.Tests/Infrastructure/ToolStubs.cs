using System.Text.RegularExpressions;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// Stand-ins for the command-line tools a deployment script calls (terraform, aws, gcloud, dotnet, ...). Every stub
/// appends its command line to one log, so a test sees the order of the steps and their arguments; setting
/// <c>STUB_FAIL</c> to a glob over "tool arg arg ..." makes the matching call fail (after it is logged).
/// Scripts run with the stubs and <see cref="SystemPathWithoutCloudTools"/> only, so nothing can reach a cloud.
/// </summary>
internal sealed class ToolStubs : IDisposable
{
    private const char Separator = '\u001f';

    private readonly string _root = Directory.CreateTempSubdirectory("flasky-stubs-").FullName;
    private readonly string _systemPath;

    public ToolStubs(SystemPathWithoutCloudTools systemPath)
    {
        _systemPath = systemPath.Path;
        Directory.CreateDirectory(StubDirectory);
        Directory.CreateDirectory(Scratch);
    }

    private string StubDirectory => Path.Combine(_root, "bin");

    /// <summary>A directory for the stubs' and the test's own files (STUB_DIR in the stubs).</summary>
    public string Scratch => Path.Combine(_root, "scratch");

    private string CallLog => Path.Combine(_root, "calls");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Adds a stub: logs its call, fails when STUB_FAIL matches, then runs <paramref name="body"/> (sh).</summary>
    public void Add(string name, string body = "")
    {
        var path = Path.Combine(StubDirectory, name);
        File.WriteAllText(path, $$"""
            #!/bin/sh
            { printf '%s' '{{name}}'; for a in "$@"; do printf '\037%s' "$a"; done; printf '\n'; } >> '{{CallLog}}'
            if [ -n "${STUB_FAIL:-}" ]; then
              case "{{name}} $*" in $STUB_FAIL) echo "{{name}}: simulated failure" >&2; exit 1 ;; esac
            fi
            {{body}}

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Remove(string name) => File.Delete(Path.Combine(StubDirectory, name));

    /// <summary>Every call so far, in order: the tool's name, then its arguments.</summary>
    public IReadOnlyList<string[]> Calls() =>
        File.Exists(CallLog)
            ? [.. File.ReadAllLines(CallLog).Select(line => line.Split(Separator))]
            : [];

    /// <summary>Each call as one line ("terraform -chdir=… apply …"), for order assertions and failure messages.</summary>
    public IReadOnlyList<string> CallLines() => [.. Calls().Select(c => string.Join(' ', c))];

    /// <summary>The script failed with "deploy.sh: MESSAGE" and the call matching <paramref name="glob"/> was its last.</summary>
    public void AssertStoppedAt(ToolRun run, string glob, string message)
    {
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"deploy.sh: {message}", run.StandardError, StringComparison.Ordinal);
        var pattern = "^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal) + "$";
        Assert.Matches(pattern, CallLines()[^1]);
    }

    /// <summary>The script failed with "deploy.sh: MESSAGE" before calling any tool.</summary>
    public void AssertStoppedBeforeAnyCall(ToolRun run, string message)
    {
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"deploy.sh: {message}", run.StandardError, StringComparison.Ordinal);
        Assert.Empty(Calls());
    }

    /// <summary>
    /// Runs <paramref name="script"/> with bash. The environment gets <paramref name="environment"/>, then
    /// <paramref name="overrides"/> (an empty value clears a variable the test process has), STUB_DIR, and
    /// PATH = stubs + the system's programs without the cloud tools.
    /// </summary>
    public Task<ToolRun> RunAsync(
        string script,
        string[] arguments,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string>? overrides = null)
    {
        var merged = new Dictionary<string, string>(environment);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }

        merged["PATH"] = $"{StubDirectory}{Path.PathSeparator}{_systemPath}";
        merged["STUB_DIR"] = Scratch;
        return ExternalTool.RunAsync("bash", [script, .. arguments], merged);
    }
}

/// <summary>
/// A directory of links to every program on PATH except the real cloud and build tools (terraform, aws, gcloud, docker,
/// dotnet, zip, curl are installed here): a script under test finds only the stubs, or nothing when a test removes one.
/// Built once per test class (about 1,500 links).
/// </summary>
public sealed class SystemPathWithoutCloudTools : IDisposable
{
    private static readonly string[] CloudTools = ["terraform", "aws", "gcloud", "docker", "dotnet", "zip", "curl"];

    public SystemPathWithoutCloudTools()
    {
        Path = Directory.CreateTempSubdirectory("flasky-system-path-").FullName;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var program in Directory.EnumerateFiles(dir))
            {
                var name = System.IO.Path.GetFileName(program);
                var link = System.IO.Path.Combine(Path, name);
                if (!CloudTools.Contains(name, StringComparer.Ordinal) && !File.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
