using System.Globalization;

namespace Flasky.Load;

/// <summary>
/// What Linux's /proc says about processes: parents (to walk a process tree), command lines, the resident set size,
/// listening TCP sockets, and an environment marker (to find a run's processes that left the tree). Everything
/// answers "unknown" (null/empty) for a process that is gone or unreadable rather than throwing.
/// </summary>
public static class ProcFs
{
    public static bool Available => Directory.Exists("/proc/self");

    /// <summary>Every live process id with its parent id.</summary>
    public static Dictionary<int, int> Parents()
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in SafeDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var stat = Read(Path.Combine(directory, "stat"));
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
            var close = stat?.LastIndexOf(')') ?? -1;
            if (close < 0)
            {
                continue;
            }

            var fields = stat![(close + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                parents[pid] = parent;
            }
        }

        return parents;
    }

    /// <summary><paramref name="root"/> and every process below it.</summary>
    public static IReadOnlyList<int> Tree(int root, Dictionary<int, int>? parents = null)
    {
        parents ??= Parents();
        var children = parents.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
        var tree = new List<int>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!parents.ContainsKey(pid) || tree.Contains(pid))
            {
                continue;
            }

            tree.Add(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                pending.Push(child);
            }
        }

        return tree;
    }

    /// <summary>The command line, arguments joined by spaces; null when gone.</summary>
    public static string? CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !(Read($"/proc/{pid}/stat")?.Contains(") Z ", StringComparison.Ordinal) ?? true);

    /// <summary>VmRSS in KiB; null when gone.</summary>
    public static long? ResidentKiB(int pid)
    {
        foreach (var line in (Read($"/proc/{pid}/status") ?? "").Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)
                && long.TryParse(line["VmRSS:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return kib;
            }
        }

        return null;
    }

    /// <summary>Whether the process's environment holds <paramref name="entry"/> (<c>NAME=value</c>) exactly.</summary>
    public static bool HasEnvironment(int pid, string entry)
    {
        var environment = Read($"/proc/{pid}/environ");
        return environment is not null && environment.Split('\0').Contains(entry, StringComparer.Ordinal);
    }

    /// <summary>
    /// Every live process whose environment holds <paramref name="entry"/>: a run's processes, wherever they were
    /// reparented (DCP detaches from the AppHost, and the resources are its children). <paramref name="known"/> keeps
    /// each process's answer (an environment does not change after the process starts) across calls.
    /// </summary>
    public static IReadOnlyList<int> WithEnvironment(string entry, Dictionary<int, bool> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var live = Parents().Keys.ToHashSet();
        foreach (var gone in known.Keys.Where(pid => !live.Contains(pid)).ToList())
        {
            known.Remove(gone);
        }

        var marked = new List<int>();
        foreach (var pid in live)
        {
            if (!known.TryGetValue(pid, out var has))
            {
                has = HasEnvironment(pid, entry);
                known[pid] = has;
            }

            if (has)
            {
                marked.Add(pid);
            }
        }

        return marked;
    }

    /// <summary>The socket inodes of every TCP socket in LISTEN state (IPv4 and IPv6), with their ports.</summary>
    public static Dictionary<string, int> ListeningSockets()
    {
        var sockets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in (Read(table) ?? "").Split('\n').Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A")
                {
                    var port = int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    sockets[fields[9]] = port;
                }
            }
        }

        return sockets;
    }

    /// <summary>The TCP ports the process listens on, given <see cref="ListeningSockets"/>.</summary>
    public static IReadOnlyList<int> ListeningPorts(int pid, Dictionary<string, int> listening)
    {
        var ports = new List<int>();
        foreach (var fd in SafeFiles($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && listening.TryGetValue(target[8..^1], out var port))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    /// <summary>Kills one process by its id (SIGKILL); false when it was already gone.</summary>
    public static bool Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM to one process (by its id, through kill(1)) so that it can shut down what it started.</summary>
    public static void Terminate(int pid)
    {
        var start = new System.Diagnostics.ProcessStartInfo("kill") { UseShellExecute = false };
        start.ArgumentList.Add("-TERM");
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = System.Diagnostics.Process.Start(start);
        kill?.WaitForExit(5000);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] SafeDirectories(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] SafeFiles(string path)
    {
        try
        {
            return Directory.GetFiles(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
