using System.Net;
using System.Net.Sockets;
using Flasky.Emulators;

namespace Flasky.Tests.Emulators;

/// <summary>Ports handed to child processes: below the range outgoing connections draw from, bindable, never twice.</summary>
public sealed class FreePortsTests
{
    [Fact]
    public void Ports_lie_below_the_ephemeral_range_are_bindable_and_are_never_handed_out_twice()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePorts.Loopback()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 1024, FreePorts.EphemeralRangeStart - 1));
        foreach (var port in ports.Take(5))
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void On_linux_the_range_is_read_from_the_kernel()
    {
        var expected = OperatingSystem.IsLinux()
            ? int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
            : 49152;

        Assert.Equal(expected, FreePorts.EphemeralRangeStart);
    }
}
