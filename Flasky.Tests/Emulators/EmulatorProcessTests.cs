using System.Text.RegularExpressions;
using Flasky.Emulators;

namespace Flasky.Tests.Emulators;

/// <summary>The shared emulator launcher, with <c>sh</c> standing in for an emulator.</summary>
public sealed partial class EmulatorProcessTests
{
    private static EmulatorProcessOptions Shell(string script, TimeSpan? timeout = null) => new()
    {
        DisplayName = "The test emulator",
        Executable = "sh",
        InstallHint = "Install a POSIX shell.",
        Arguments = ["-c", script],
        ReadyLine = ReadyLine(),
        StartTimeout = timeout ?? TimeSpan.FromSeconds(20),
        StopTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task A_missing_executable_fails_with_what_to_install()
    {
        var options = Shell("true") with { Executable = "flasky-no-such-emulator", InstallHint = "Install the Flasky test emulator." };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorProcess.StartAsync(options));

        Assert.Contains("flasky-no-such-emulator", error.Message, StringComparison.Ordinal);
        Assert.Contains("Install the Flasky test emulator.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ready_line_is_matched_and_output_kept()
    {
        await using var process = await EmulatorProcess.StartAsync(Shell("echo starting; echo 'ready at 4242' >&2; exec sleep 60"));

        Assert.Equal("4242", process.ReadyMatch!.Groups["port"].Value);
        Assert.Contains("starting", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exiting_before_ready_fails_with_the_output()
    {
        var error = await Assert.ThrowsAsync<EmulatorStartException>(
            () => EmulatorProcess.StartAsync(Shell("echo 'port already in use'; exit 3")));

        Assert.Equal(3, error.ExitCode);

        Assert.Contains("port already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("The test emulator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_ready_within_the_timeout_fails_and_stops_the_process()
    {
        var error = await Assert.ThrowsAsync<EmulatorStartException>(
            () => EmulatorProcess.StartAsync(Shell("echo \"pid $$\"; exec sleep 60", TimeSpan.FromSeconds(2))));

        Assert.Contains("was not ready within", error.Message, StringComparison.Ordinal);
        var pid = int.Parse(Regex.Match(error.Message, @"pid (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still runs");
    }

    [Fact]
    public async Task Dispose_stops_the_whole_process_group()
    {
        // A child that ignores SIGTERM and outlives its parent, as a wrapper script's Java might.
        var process = await EmulatorProcess.StartAsync(Shell("sh -c 'trap \"\" TERM; exec sleep 60' & echo \"ready at 1 child $!\"; wait"));
        var child = int.Parse(Regex.Match(process.Output, @"child (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{child}"));

        await process.DisposeAsync();

        Assert.False(Directory.Exists($"/proc/{process.Id}"), "the emulator still runs");
        Assert.True(await GoneWithinAsync(child, TimeSpan.FromSeconds(5)), $"its child {child} still runs");
    }

    [Fact]
    public async Task A_ready_port_is_waited_for()
    {
        var port = FreePorts.Loopback();
        var script = $"sleep 1; exec python3 -c 'import socket,time; s=socket.socket(); s.bind((\"127.0.0.1\",{port})); s.listen(); time.sleep(60)'";
        var options = Shell(script) with { ReadyLine = null, ReadyPort = port };

        await using var process = await EmulatorProcess.StartAsync(options);

        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
    }

    private static async Task<bool> GoneWithinAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Directory.Exists($"/proc/{pid}") && !IsZombie(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"ready at (?<port>\d+)")]
    private static partial Regex ReadyLine();
}
