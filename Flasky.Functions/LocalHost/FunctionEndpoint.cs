using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Flasky.Functions.LocalHost;

/// <summary>An HTTP-triggered function as its own attributes declare it: the one source of routes for local hosting.</summary>
internal sealed record FunctionEndpoint(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel, MethodInfo Method)
{
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
