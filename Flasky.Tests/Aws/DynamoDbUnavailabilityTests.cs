using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.DynamoDb;
using Flasky.Emulators;

namespace Flasky.Tests.Aws;

/// <summary>
/// What counts as "unavailable" (a 503 with Retry-After for the API) and what doesn't. DynamoDB's throttling and
/// server errors can't be provoked in DynamoDB Local, so a small HTTP stub answers exactly as DynamoDB documents them.
/// </summary>
public sealed class DynamoDbUnavailabilityTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    private static CandidateName Name(string value) => CandidateName.FromDecoded(value).Name!;

    [Fact]
    public async Task A_stopped_dynamodb_local_makes_every_operation_unavailable_and_its_jvm_is_gone()
    {
        await using var server = await DynamoDbLocal.StartAsync(["Candidates=CandidateName"], DynamoDbLocalFixture.StartTimeout);
        var options = DynamoDbLocalFixture.OptionsFor(server.Endpoint) with
        {
            AttemptTimeout = TimeSpan.FromSeconds(1),
            OperationTimeout = TimeSpan.FromSeconds(5),
        };
        using var client = DynamoDbClientFactory.Create(options, DynamoDbLocalFixture.LocalCredentials);
        var store = new DynamoDbCandidateStore(client, options.TableName, options.OperationTimeout);
        using var timeout = new CancellationTokenSource(TestTimeout);
        await store.PingAsync(timeout.Token);
        var scriptPid = server.ProcessId;
        await server.DisposeAsync(); // stops it now; the using covers a failure before this line

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(scriptPid));
        Assert.DoesNotContain(Process.GetProcessesByName("java"), p => IsListeningJvm(p, server.Endpoint.Port));
        var name = Name($"unreachable {Guid.NewGuid():N}");
        await Task.WhenAll(
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.GetAsync(name, timeout.Token)),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.UpsertAsync(Candidate.WithoutAttributes(name), timeout.Token)),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.ListAsync(null, 10, timeout.Token)),
            Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.PingAsync(timeout.Token)));
    }

    [Theory]
    [InlineData(400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", 1)]
    [InlineData(400, "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded", 1)]
    [InlineData(400, "com.amazon.coral.availability#ThrottlingException", 1)]
    [InlineData(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", null)]
    [InlineData(503, "com.amazon.coral.availability#ServiceUnavailableException", null)]
    public async Task Throttling_and_server_errors_are_unavailable_after_a_bounded_number_of_attempts(int status, string errorType, int? retryAfterSeconds)
    {
        await using var stub = DynamoDbStub.Start(status, errorType);
        var store = StoreFor(stub.Endpoint, out var client, maxErrorRetry: 2);
        using (client)
        {
            var error = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.GetAsync(Name("throttled"), CancellationToken.None));

            Assert.Equal(retryAfterSeconds, (int?)error.RetryAfter?.TotalSeconds);
            Assert.Equal(3, stub.Requests); // the first attempt and MaxErrorRetry = 2 retries, no more
            Assert.DoesNotContain("amazonaws", error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_request_the_service_rejects_is_not_unavailable()
    {
        // A validation error will fail again on retry: it is a bug (a 500), not an outage to wait out.
        await using var stub = DynamoDbStub.Start(400, "com.amazon.coral.validate#ValidationException");
        var store = StoreFor(stub.Endpoint, out var client, maxErrorRetry: 2);
        using (client)
        {
            await Assert.ThrowsAsync<AmazonDynamoDBException>(() => store.GetAsync(Name("invalid"), CancellationToken.None));
            Assert.Equal(1, stub.Requests);
        }
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unavailable_within_the_operation_timeout()
    {
        await using var stub = DynamoDbStub.Start(status: null, errorType: null);
        var store = StoreFor(stub.Endpoint, out var client, maxErrorRetry: 5, attemptTimeout: TimeSpan.FromSeconds(1), operationTimeout: TimeSpan.FromSeconds(2));
        using (client)
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => store.ListAsync(null, 10, CancellationToken.None));
        }
    }

    [Fact]
    public async Task The_callers_cancellation_is_cancellation_not_unavailability()
    {
        await using var stub = DynamoDbStub.Start(status: null, errorType: null);
        var store = StoreFor(stub.Endpoint, out var client, maxErrorRetry: 0);
        using (client)
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(Name("cancelled"), cancelled.Token));
        }
    }

    private static DynamoDbCandidateStore StoreFor(
        Uri endpoint, out AmazonDynamoDBClient client, int maxErrorRetry, TimeSpan? attemptTimeout = null, TimeSpan? operationTimeout = null)
    {
        var options = DynamoDbLocalFixture.OptionsFor(endpoint) with
        {
            MaxErrorRetry = maxErrorRetry,
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(5),
            OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(30),
        };
        client = DynamoDbClientFactory.Create(options, DynamoDbLocalFixture.LocalCredentials);
        return new DynamoDbCandidateStore(client, options.TableName, options.OperationTimeout);
    }

    private static bool IsListeningJvm(Process process, int port)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline");
            return commandLine.Contains("DynamoDBLocal.jar", StringComparison.Ordinal)
                && commandLine.Contains($"\0-port\0{port}", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Answers every request with one DynamoDB error (JSON 1.0 protocol), or never answers (null status).</summary>
    private sealed class DynamoDbStub : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<TcpClient> _connections = [];
        private int _requests;

        private DynamoDbStub(int? status, string? errorType)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = Task.Run(() => AcceptAsync(status, errorType));
        }

        public Uri Endpoint { get; }

        public int Requests => Volatile.Read(ref _requests);

        public static DynamoDbStub Start(int? status, string? errorType) => new(status, errorType);

        private async Task AcceptAsync(int? status, string? errorType)
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var connection = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_connections)
                    {
                        _connections.Add(connection);
                    }

                    _ = Task.Run(() => ServeAsync(connection, status, errorType));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(TcpClient connection, int? status, string? errorType)
        {
            try
            {
                var stream = connection.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII);
                while (!_stop.IsCancellationRequested)
                {
                    // Request line and headers, then the body by Content-Length.
                    var contentLength = 0;
                    string? line;
                    var sawRequest = false;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        sawRequest = true;
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            contentLength = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }

                    if (!sawRequest)
                    {
                        return;
                    }

                    var body = new char[contentLength];
                    await reader.ReadBlockAsync(body, _stop.Token);
                    Interlocked.Increment(ref _requests);
                    if (status is null)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }

                    var payload = Encoding.UTF8.GetBytes($$"""{"__type":"{{errorType}}","message":"stub"}""");
                    var head = $"HTTP/1.1 {status} Stub\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {payload.Length}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(payload, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            lock (_connections)
            {
                _connections.ForEach(c => c.Dispose());
            }

            await _loop;
            _stop.Dispose();
        }
    }
}
