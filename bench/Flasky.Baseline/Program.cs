using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Flasky.Baseline;

// With AWS_LAMBDA_RUNTIME_API set this is the bare Lambda handler; otherwise the bare Kestrel API, about twenty lines
// that return the same JSON behind the same key check as the Functions host, with nothing else (no logging, no
// telemetry, no validation beyond the key), so every ratio in the harness is "what Flasky costs on top of the minimum".
if (Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") is { Length: > 0 } runtimeApi)
{
    return await BareLambda.RunAsync(runtimeApi);
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var key = Encoding.UTF8.GetBytes(app.Configuration["FunctionKeys:Host:default"] ?? throw new InvalidOperationException("Set FunctionKeys__Host__default."));
var store = new ConcurrentDictionary<string, Dictionary<string, JsonElement>>(StringComparer.Ordinal);
app.Use((context, next) =>
{
    var presented = context.Request.Headers["x-functions-key"].ToString() is { Length: > 0 } header ? header : context.Request.Query["code"].ToString();
    if (CryptographicOperations.FixedTimeEquals(key, Encoding.UTF8.GetBytes(presented)))
    {
        return next(context);
    }

    context.Response.StatusCode = 401;
    return Task.CompletedTask;
});
app.MapGet("/gtg", () => Results.Ok());
app.MapGet("/candidate/{name}", (string name) => store.TryGetValue(name, out var a)
    ? Results.Json(new[] { new Dictionary<string, JsonElement>(a) { ["CandidateName"] = JsonSerializer.SerializeToElement(name) } })
    : Results.Text("Not Found", statusCode: 404));
app.MapPost("/candidate/{name}", (string name, Dictionary<string, JsonElement>? body) =>
{
    store[name] = body ?? [];
    return Results.Json(new Dictionary<string, string> { ["CandidateName"] = name });
});
app.MapGet("/candidates", (int? limit) => Results.Json(store.OrderBy(p => p.Key, StringComparer.Ordinal).Take(limit ?? int.MaxValue)
    .Select(p => new Dictionary<string, JsonElement>(p.Value) { ["CandidateName"] = JsonSerializer.SerializeToElement(p.Key) })));
await app.RunAsync();
return 0;
