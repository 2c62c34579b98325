using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Flasky.Tests.Azure;

public sealed class QueryRedactionTests
{
    private static readonly string[] Sensitive = ["code"];

    [Theory]
    [InlineData("?code=secret", "?code=Redacted")]
    [InlineData("?details&code=secret", "?details&code=Redacted")]
    [InlineData("?CODE=secret&limit=2", "?CODE=Redacted&limit=2")]
    [InlineData("?c%6Fde=secret", "?c%6Fde=Redacted")]
    [InlineData("http://h/gtg?x=1&code=secret&y=2", "http://h/gtg?x=1&code=Redacted&y=2")]
    [InlineData("?limit=2&next=abc", "?limit=2&next=abc")]
    [InlineData("?codes=kept", "?codes=kept")]
    [InlineData("http://h/code=notaquery", "http://h/code=notaquery")]
    public void Only_sensitive_parameter_values_are_replaced(string input, string expected) =>
        Assert.Equal(expected, QueryRedactionProcessor.Redact(input, Sensitive));

    [Fact]
    public void The_processor_rewrites_every_url_attribute_of_an_ended_span()
    {
        using var activity = new Activity("request");
        activity.SetTag("url.query", "?details&code=secret");
        activity.SetTag("url.full", "http://localhost:7071/gtg?details&code=secret");
        activity.SetTag("url.path", "/gtg");

        using var processor = new QueryRedactionProcessor(Sensitive);
        processor.OnEnd(activity);

        Assert.Equal("?details&code=Redacted", activity.GetTagItem("url.query"));
        Assert.Equal("http://localhost:7071/gtg?details&code=Redacted", activity.GetTagItem("url.full"));
        Assert.Equal("/gtg", activity.GetTagItem("url.path"));
        Assert.DoesNotContain(activity.TagObjects, t => t.Value is string v && v.Contains("secret", StringComparison.Ordinal));
    }
}
