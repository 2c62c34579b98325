using System.Globalization;

namespace Flasky.Load;

/// <summary>
/// The runs that are not the load table: AppHost starts (prebuilt, fresh clone) and list scaling. Any of them given
/// on the command line runs only those.
/// </summary>
public sealed record SeparateRuns
{
    public int AppHostStartRuns { get; init; }

    public bool AppHostFreshClone { get; init; }

    public IReadOnlyList<int> ListScalingSizes { get; init; } = [];

    public int ListPageSize { get; init; } = 1000;

    public bool Any => AppHostStartRuns > 0 || AppHostFreshClone || ListScalingSizes.Count > 0;

    /// <summary>Applies one of this record's options; <paramref name="value"/> reads the option's value.</summary>
    public SeparateRuns Parse(string option, Func<string> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int Whole(string text, int min) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"{option} needs whole numbers ≥ {min}, not \"{text}\".");
        return option switch
        {
            "--apphost-start" => this with { AppHostStartRuns = Whole(value(), 1) },
            "--apphost-fresh-clone" => this with { AppHostFreshClone = true },
            "--list-scaling" => this with { ListScalingSizes = [.. value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => Whole(s, 1))] },
            "--list-page-size" => this with { ListPageSize = Whole(value(), 1) is var size and <= 1000 ? size : throw new ArgumentException("--list-page-size is 1 to 1000 (the API's limit).") },
            _ => throw new ArgumentException($"Unknown argument \"{option}\"."),
        };
    }

    public static async Task<int> RunAsync(HarnessOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var separate = options.Separate;
        var root = Flasky.Emulators.EmulatorPaths.RepositoryRoot;
        await output.WriteLineAsync("Load average before: " + Harness.LoadAverage()).ConfigureAwait(false);
        if (separate.ListScalingSizes.Count > 0)
        {
            var stack = new LocalHosts(root, options.Configuration);
            var rows = await ListScaling.RunAsync(stack, separate.ListScalingSizes, separate.ListPageSize, output, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"List scaling ({options.Configuration} build, in-memory store, pages of {separate.ListPageSize}; load average now {Harness.LoadAverage()}):")).ConfigureAwait(false);
            await output.WriteLineAsync(ListScaling.Table(rows)).ConfigureAwait(false);
        }

        if (separate.AppHostStartRuns > 0)
        {
            var runs = await AppHostStart.PrebuiltAsync(root, options.Configuration, separate.AppHostStartRuns, output, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync($"Prebuilt AppHost start (dotnet run --project Flasky.AppHost --no-build -c {options.Configuration}; load average now {Harness.LoadAverage()}):").ConfigureAwait(false);
            await output.WriteLineAsync(AppHostStart.FrontTable(runs)).ConfigureAwait(false);
            await output.WriteLineAsync("When each part of the system appeared and first listened (s from the spawn, median of the runs):").ConfigureAwait(false);
            await output.WriteLineAsync(AppHostStart.ResourceTable(runs)).ConfigureAwait(false);
        }

        if (separate.AppHostFreshClone)
        {
            var (cloneMs, run) = await AppHostStart.FreshCloneAsync(root, output, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Fresh clone (git clone {cloneMs / 1000:F1} s), then its first dotnet run --project Flasky.AppHost (restore, build, npm ci, start); load average now {Harness.LoadAverage()}:")).ConfigureAwait(false);
            await output.WriteLineAsync(AppHostStart.FrontTable([run])).ConfigureAwait(false);
            await output.WriteLineAsync("Phases (s from the spawn of dotnet run: MSBuild and npm ci are the build; the AppHost process appears when it is built):").ConfigureAwait(false);
            await output.WriteLineAsync(AppHostStart.ResourceTable([run])).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Load average after: " + Harness.LoadAverage()).ConfigureAwait(false);
        return 0;
    }
}
