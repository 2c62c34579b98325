using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Flasky.Emulators;

/// <summary>
/// TCP ports for a process that must be told its port (an emulator, a host, a front) rather than pick its own.
/// </summary>
/// <remarks>
/// A port the OS picks (bind to port 0) comes from its ephemeral range, the same range it draws the local end of every
/// outgoing connection from. Between the pick and the child's bind, a busy test run's next connection can take it
/// (seen in CI: a gateway failed with "address already in use" on 33321). So ports come from below that range, where
/// only listeners live, are checked free on the address, and are never handed out twice by one process.
/// </remarks>
public static class FreePorts
{
    private const int Floor = 20000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly Lazy<int> EphemeralLow = new(ReadEphemeralLow);

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int Loopback() => On(IPAddress.Loopback);

    /// <summary>A port that was free on <paramref name="address"/> a moment ago (<see cref="IPAddress.Any"/> for a process that binds every interface).</summary>
    public static int On(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var ceiling = EphemeralLow.Value;
        for (var attempt = 0; ceiling - Floor >= 1000 && attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Floor, ceiling);
            if (HandedOut.TryAdd(port, true) && IsFree(address, port))
            {
                return port;
            }
        }

        // An unusual port layout (an ephemeral range that starts low): let the OS pick.
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the OS's ephemeral range (Linux reads it; Windows and macOS use IANA's 49152).</summary>
    public static int EphemeralRangeStart => EphemeralLow.Value;

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49152;
        }
    }
}
