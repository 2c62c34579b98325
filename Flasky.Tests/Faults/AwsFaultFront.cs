using System.Net;
using Flasky.DynamoDb;
using Flasky.Emulators;
using Flasky.Tests.Aws;

namespace Flasky.Tests.Faults;

/// <summary>
/// AWS: the local API Gateway (SigV4) → Lambda processes, one per concurrent client (Lambda gives each concurrent
/// request an execution environment of its own, each serving one request at a time) → fault proxy → DynamoDB Local. DynamoDB Local has no throttling switch: under throttling the
/// proxy answers as DynamoDB does when a table runs out of capacity.
/// </summary>
internal sealed class AwsFaultFront : FaultFront
{
    private static readonly string Throttled = FaultProxy.HttpResponse(400, "Bad Request",
        """{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}""",
        "x-amzn-RequestId: FAULTPROXY", "x-amz-crc32: 0");

    private DynamoDbLocal _dynamo = null!;
    private FaultProxy _proxy = null!;
    private LocalApiGatewayHost _gateway = null!;
    private readonly List<LambdaProcess> _lambdas = [];

    public override string Name => "AWS";

    public override string ThrottlingAnswer => "the proxy: DynamoDB's 400 ProvisionedThroughputExceededException";

    public static async Task<AwsFaultFront> StartAsync(int executionEnvironments)
    {
        var front = new AwsFaultFront();
        front._dynamo = await DynamoDbLocal.StartAsync([$"{DynamoDbStoreOptions.DefaultTableName}=CandidateName"], TimeSpan.FromSeconds(120));
        front._proxy = new FaultProxy(new IPEndPoint(IPAddress.Loopback, front._dynamo.Endpoint.Port), Throttled);
        front._gateway = await LocalApiGatewayHost.StartAsync();
        for (var i = 0; i < executionEnvironments; i++)
        {
            front._lambdas.Add(LambdaProcess.Start(front._gateway.RuntimeApi, new Dictionary<string, string>
            {
                ["CandidateStore"] = "",
                ["DynamoDb__TableName"] = DynamoDbStoreOptions.DefaultTableName,
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ENDPOINT_URL_DYNAMODB"] = $"http://127.0.0.1:{front._proxy.Port}",
                ["AWS_ACCESS_KEY_ID"] = "AKIAFAULTRUN",
                ["AWS_SECRET_ACCESS_KEY"] = "faultrunsecret",
            }));
        }

        return front;
    }

    public override HttpClient CreateClient(TimeSpan timeout) => _gateway.CreateSignedClient(timeout);

    protected override FaultProxy Proxy => _proxy;

    /// <summary>The script and the JVM it started: the JVM is the database.</summary>
    protected override IReadOnlyList<int> DatabaseProcesses() => ProcessTree(_dynamo.ProcessId);

    public override bool HasOneInstance => false;

    public override bool NothingRestarted => _lambdas.All(l => !l.HasExited);

    public override string Diagnostics =>
        $"Lambda processes alive: {_lambdas.Count(l => !l.HasExited)} of {_lambdas.Count}\n"
        + string.Join("\n---\n", _lambdas.Select(l => string.Join('\n', l.Output.Split('\n').TakeLast(15))));

    public override async ValueTask DisposeAsync()
    {
        await ThawAsync();

        foreach (var lambda in _lambdas)
        {
            await lambda.DisposeAsync();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_dynamo is not null)
        {
            await _dynamo.DisposeAsync();
        }
    }
}
