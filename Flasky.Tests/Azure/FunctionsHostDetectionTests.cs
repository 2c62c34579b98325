using Flasky.Core.Http;
using Flasky.Functions.LocalHost;

namespace Flasky.Tests.Azure;

/// <summary>How the app tells a Functions host from none, and which instance id it reports.</summary>
public sealed class FunctionsHostDetectionTests
{
    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated")]
    [InlineData("Functions__Worker__HostEndpoint", "http://127.0.0.1:55555")]
    [InlineData("Functions:Worker:HostEndpoint", "http://127.0.0.1:55555")]
    public void A_functions_host_variable_means_a_functions_host(string variable, string value) =>
        Assert.True(FunctionsHostDetection.IsUnderFunctionsHost([], name => name == variable ? value : null));

    [Theory]
    [InlineData("--functions-uri", "http://127.0.0.1:55555/")]
    [InlineData("--workerId", "a1b2")]
    [InlineData("--functions-worker-id", "a1b2")]
    [InlineData("--Functions-Uri=http://127.0.0.1:55555/", "")]
    public void A_functions_host_argument_means_a_functions_host(string argument, string value) =>
        Assert.True(FunctionsHostDetection.IsUnderFunctionsHost([argument, value], _ => null));

    [Theory]
    [InlineData]
    [InlineData("--urls=http://127.0.0.1:0", "--CandidateStore=InMemory")]
    [InlineData("--functions", "--worker")]
    public void Without_any_marker_there_is_no_functions_host(params string[] args) =>
        Assert.False(FunctionsHostDetection.IsUnderFunctionsHost(args, name => name switch
        {
            "FUNCTIONS_WORKER_RUNTIME" => "",
            "WEBSITE_INSTANCE_ID" => "not a marker",
            _ => null,
        }));

    [Fact]
    public void The_azure_instance_id_comes_from_website_instance_id_and_blank_values_are_ignored()
    {
        var all = new Dictionary<string, string>
        {
            ["WEBSITE_INSTANCE_ID"] = "azure-instance",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/30/[$LATEST]abc",
        };

        Assert.Equal("azure-instance", Flasky.Functions.CandidateApiServices.InstanceId(all.GetValueOrDefault));
        all["WEBSITE_INSTANCE_ID"] = "  ";
        Assert.Equal(Environment.MachineName, Flasky.Functions.CandidateApiServices.InstanceId(all.GetValueOrDefault));
        Assert.Equal(Environment.MachineName, Flasky.Functions.CandidateApiServices.InstanceId(_ => null));
    }
}
