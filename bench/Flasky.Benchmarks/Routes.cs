using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Flasky.Core.Http;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flasky.Benchmarks;

/// <summary>
/// Each route through <see cref="CandidateApi"/> with the in-memory store (routing, name and body rules, store call,
/// response writing; no HTTP), against the minimal code that does the same job: a dictionary and System.Text.Json.
/// </summary>
[BenchmarkCategory("routes")]
public class Routes
{
    private const string Name = "flasky-bench-0042";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"Role":"Engineer","Level":3,"Skills":["C#","Go"]}""");

    private readonly Dictionary<string, Dictionary<string, JsonElement>> _minimalStore = new(StringComparer.Ordinal);
    private CandidateApi _api = null!;

    [Params("GET /candidate/{name}", "POST /candidate/{name}", "GET /gtg", "GET /candidates?limit=100")]
    public string Route { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var store = new InMemoryCandidateStore();
        _api = new CandidateApi(store, new CandidateApiOptions { InstanceId = "bench" }, NullLogger<CandidateApi>.Instance);
        var attributes = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Body)!;
        for (var i = 0; i < 150; i++)
        {
            var name = $"flasky-bench-{i:D4}";
            store.UpsertAsync(new Candidate(CandidateName.FromDecoded(name).Name!, attributes), CancellationToken.None).GetAwaiter().GetResult();
            _minimalStore[name] = attributes;
        }
    }

    [Benchmark(Baseline = true, Description = "minimal: Dictionary + JsonSerializer")]
    public int Minimal()
    {
        switch (Route)
        {
            case "GET /candidate/{name}":
                var found = _minimalStore[Uri.UnescapeDataString(Name)];
                return JsonSerializer.SerializeToUtf8Bytes(new[] { WithName(Name, found) }).Length;
            case "POST /candidate/{name}":
                _minimalStore[Name] = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(new MemoryStream(Body))!;
                return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["CandidateName"] = Name }).Length;
            case "GET /gtg":
                return 0;
            default:
                return JsonSerializer.SerializeToUtf8Bytes(_minimalStore.OrderBy(p => p.Key, StringComparer.Ordinal).Take(100).Select(p => WithName(p.Key, p.Value))).Length;
        }
    }

    [Benchmark(Description = "Flasky: CandidateApi.HandleAsync")]
    public async Task<int> Flasky()
    {
        var request = Route switch
        {
            "GET /candidate/{name}" => ApiRequest.WithoutBody("GET", "/candidate/" + Name),
            "POST /candidate/{name}" => new ApiRequest("POST", "/candidate/" + Name, "application/json", new MemoryStream(Body)),
            "GET /gtg" => ApiRequest.WithoutBody("GET", "/gtg"),
            _ => ApiRequest.WithoutBody("GET", "/candidates?limit=100"),
        };
        var response = await _api.HandleAsync(request, CancellationToken.None).ConfigureAwait(false);
        return response.StatusCode == 200 ? response.Body.Length : throw new InvalidOperationException($"{Route}: {response.StatusCode} {response.BodyText()}");
    }

    private static Dictionary<string, JsonElement> WithName(string name, Dictionary<string, JsonElement> attributes)
    {
        var row = new Dictionary<string, JsonElement>(attributes.Count + 1) { ["CandidateName"] = JsonSerializer.SerializeToElement(name) };
        foreach (var (key, value) in attributes)
        {
            row[key] = value;
        }

        return row;
    }
}
