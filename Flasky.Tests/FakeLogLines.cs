using Microsoft.Extensions.Logging.Testing;

namespace Flasky.Tests;

/// <summary>What a <see cref="FakeLoggerProvider"/> collected, as text lines tests can search for leaked secrets.</summary>
internal static class FakeLogLines
{
    extension(FakeLoggerProvider provider)
    {
        /// <summary>Every record so far as <c>category: message exception</c>.</summary>
        public IReadOnlyCollection<string> Lines =>
            provider.Collector.GetSnapshot().Select(r => $"{r.Category}: {r.Message} {r.Exception}").ToList();
    }
}
