using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flasky.Tests.Faults;

/// <summary>What the proxy does to the traffic between a host and its database.</summary>
internal enum ProxyFault
{
    /// <summary>Bytes pass both ways.</summary>
    None,

    /// <summary>Connections stay open but nothing passes, and new ones are accepted and never answered: a dead route.</summary>
    Blackhole,

    /// <summary>Every open connection is reset and every new one is reset at once: a database that is gone.</summary>
    Refuse,

    /// <summary>
    /// Every request is answered by the proxy with a canned response (plain-HTTP databases only): throttling where the
    /// emulator has no switch of its own.
    /// </summary>
    Throttle,
}

/// <summary>
/// A TCP proxy on a loopback port between a host and its database, that injects faults on demand. Any change of fault
/// other than into <see cref="ProxyFault.Blackhole"/> resets every open connection, so clients reconnect and meet the
/// new behaviour; a blackhole keeps them open and silent until the fault changes.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly byte[]? _throttleResponse;
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Lock _gate = new();
    private TaskCompletionSource _faultChanged = NewSignal();
    private ProxyFault _fault;
    private long _nextId;

    /// <param name="upstream">The database's loopback endpoint.</param>
    /// <param name="throttleResponse">The whole HTTP response sent for each request under <see cref="ProxyFault.Throttle"/>.</param>
    public FaultProxy(IPEndPoint upstream, string? throttleResponse = null)
    {
        _upstream = upstream;
        _throttleResponse = throttleResponse is null ? null : Encoding.UTF8.GetBytes(throttleResponse);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public ProxyFault Fault => _fault;

    /// <summary>A canned HTTP response with a JSON body, for <see cref="ProxyFault.Throttle"/>.</summary>
    public static string HttpResponse(int status, string reason, string json, params string[] headers)
    {
        var body = Encoding.UTF8.GetByteCount(json);
        var extra = string.Concat(headers.Select(h => h + "\r\n"));
        return $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {body}\r\n{extra}\r\n{json}";
    }

    public void Set(ProxyFault fault)
    {
        if (fault == ProxyFault.Throttle && _throttleResponse is null)
        {
            throw new InvalidOperationException("This proxy has no throttling response.");
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            if (fault == _fault)
            {
                return;
            }

            _fault = fault;
            changed = _faultChanged;
            _faultChanged = NewSignal();
        }

        changed.TrySetResult();
        if (fault != ProxyFault.Blackhole)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Reset();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var connection = new Connection(client);
        var id = Interlocked.Increment(ref _nextId);
        _connections[id] = connection;
        try
        {
            switch (_fault)
            {
                case ProxyFault.Refuse:
                    connection.Reset();
                    return;
                case ProxyFault.Blackhole:
                    await connection.HeldAsync(_stop.Token);
                    return;
                case ProxyFault.Throttle:
                    await ThrottleAsync(connection);
                    return;
                default:
                    await PassAsync(connection);
                    return;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset connection, or the proxy stopping.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            connection.Dispose();
        }
    }

    private async Task PassAsync(Connection connection)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        connection.Upstream = upstream;
        await upstream.ConnectAsync(_upstream, connection.Token);
        var up = PumpAsync(connection.Client, upstream, connection.Token);
        var down = PumpAsync(upstream, connection.Client, connection.Token);
        await Task.WhenAny(up, down);
        connection.Reset();
    }

    /// <summary>Copies bytes; under a blackhole, holds them until the fault changes (which resets the connection).</summary>
    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            while (_fault == ProxyFault.Blackhole)
            {
                await _faultChanged.Task.WaitAsync(cancellationToken);
            }

            await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>Reads each request (headers and a Content-Length body) and answers it with the canned response.</summary>
    private async Task ThrottleAsync(Connection connection)
    {
        var buffer = new byte[256 * 1024];
        var filled = 0;
        while (true)
        {
            int headerEnd;
            while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (!await FillAsync())
                {
                    return;
                }
            }

            var length = Encoding.ASCII.GetString(buffer, 0, headerEnd).Split("\r\n")
                .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                .FirstOrDefault();
            var end = headerEnd + 4 + length;
            while (filled < end)
            {
                if (!await FillAsync())
                {
                    return;
                }
            }

            Buffer.BlockCopy(buffer, end, buffer, 0, filled - end);
            filled -= end;
            await connection.Client.SendAsync(_throttleResponse, connection.Token);
        }

        async Task<bool> FillAsync()
        {
            if (filled == buffer.Length)
            {
                return false;
            }

            var read = await connection.Client.ReceiveAsync(buffer.AsMemory(filled), connection.Token);
            filled += read;
            return read > 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Values)
        {
            connection.Reset();
        }

        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Nothing more to wait for.
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Connection(Socket client) : IDisposable
    {
        private readonly CancellationTokenSource _reset = new();
        private int _closed;

        public Socket Client { get; } = client;

        public Socket? Upstream { get; set; }

        public CancellationToken Token => _reset.Token;

        public async Task HeldAsync(CancellationToken stop)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _reset.Token);
            await Task.Delay(Timeout.Infinite, linked.Token);
        }

        public void Dispose()
        {
            Reset();
            _reset.Dispose();
        }

        /// <summary>Resets both sides (RST, not FIN): the peer sees the connection fail, as with a dropped route.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            try
            {
                _reset.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            foreach (var socket in new[] { Client, Upstream })
            {
                if (socket is null)
                {
                    continue;
                }

                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
