using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Flasky.Functions.LocalHost;

/// <summary>An HTTP-triggered function as its own attributes declare it: the one source of routes for local hosting.</summary>
/// <remarks>
/// Everything reflection finds is resolved once, here: the instance factory, a <see cref="MethodInvoker"/> and which
/// parameter gets what. Per request, <see cref="InvokeAsync"/> only creates the instance and calls the method (finding
/// the constructor and the parameters on every request cost the local host a tenth of its throughput, docs/performance.md).
/// </remarks>
internal sealed record FunctionEndpoint(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel, MethodInfo Method)
{
    private readonly ObjectFactory? _factory = Method.IsStatic ? null : ActivatorUtilities.CreateFactory(Method.DeclaringType!, Type.EmptyTypes);
    private readonly MethodInvoker _invoker = MethodInvoker.Create(Method);
    private readonly bool[] _takesRequest = [.. Method.GetParameters().Select(p => p.ParameterType == typeof(HttpRequest))];

    /// <summary>The name of the span around each invocation, as the Functions host names it.</summary>
    public string SpanName { get; } = "Invoke " + Name;

    /// <summary>Creates the function's class from the request's services and calls the function.</summary>
    public Task<IActionResult> InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = _factory?.Invoke(context.RequestServices, null);
        object? Argument(int index) => _takesRequest[index] ? context.Request : context.RequestAborted;
        var result = _takesRequest.Length switch
        {
            0 => _invoker.Invoke(target),
            1 => _invoker.Invoke(target, Argument(0)),
            2 => _invoker.Invoke(target, Argument(0), Argument(1)),
            _ => _invoker.Invoke(target, [.. Enumerable.Range(0, _takesRequest.Length).Select(Argument)]),
        };
        return (Task<IActionResult>)result!;
    }

    public static IReadOnlyList<FunctionEndpoint> Discover(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(FromMethod)
            .OfType<FunctionEndpoint>()];

    private static FunctionEndpoint? FromMethod(MethodInfo method)
    {
        var function = method.GetCustomAttribute<FunctionAttribute>();
        var trigger = method.GetParameters()
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
            .FirstOrDefault(a => a is not null);
        if (function is null || trigger is null)
        {
            return null;
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType != typeof(HttpRequest) && parameter.ParameterType != typeof(CancellationToken))
            {
                throw new NotSupportedException(
                    $"Function '{function.Name}' takes a {parameter.ParameterType.Name}; the local host binds only HttpRequest and CancellationToken.");
            }
        }

        if (method.ReturnType != typeof(Task<IActionResult>))
        {
            throw new NotSupportedException($"Function '{function.Name}' must return Task<IActionResult> to be served locally.");
        }

        return new FunctionEndpoint(
            function.Name,
            trigger.Route ?? function.Name,
            trigger.Methods?.Select(m => m.ToUpperInvariant()).ToArray() ?? [],
            trigger.AuthLevel,
            method);
    }
}
