using System.Text;
using BenchmarkDotNet.Attributes;
using Flasky.Core.Names;

namespace Flasky.Benchmarks;

/// <summary>The name in <c>/candidate/{name}</c>: Core's validation against decode + NFC and nothing else.</summary>
public class NameParsing
{
    [Params("John%20Smith", "Ren%C3%A9e%20O%27Brien")]
    public string Raw { get; set; } = "";

    [Benchmark(Baseline = true, Description = "minimal: UnescapeDataString + Normalize")]
    public string Minimal() => Uri.UnescapeDataString(Raw).Normalize(NormalizationForm.FormC);

    [Benchmark(Description = "Flasky: CandidateName.FromPathSegment")]
    public string? Flasky() => CandidateName.FromPathSegment(Raw).Name?.Value;
}
