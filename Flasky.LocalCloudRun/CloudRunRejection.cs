using System.Net;
using Microsoft.AspNetCore.Http;

namespace Flasky.LocalCloudRun;

/// <summary>
/// What Cloud Run's front end answers when the IAM invoker check fails, before the container sees anything:
/// no token is 403 "Error: Forbidden … Your client does not have permission to get URL … from this server." (the text
/// reported for private services, e.g. https://openillumi.com/en/en-fix-terraform-cloudrun-forbidden and
/// https://agentbeck.bot/report/91042); a token that fails verification is 401 "Error: Unauthorized"
/// (https://oneuptime.com/blog/post/2026-02-17-how-to-troubleshoot-cloud-run-service-to-service-authentication-failures-with-identity-tokens/view).
/// Both are Google Front End HTML pages. Google does not document the exact bytes, so clients must rely on the status
/// codes only (Flasky.Check does).
/// </summary>
public static class CloudRunRejection
{
    public static Task WriteAsync(HttpContext context, InvokerVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        var path = WebUtility.HtmlEncode(context.Request.Path.ToUriComponent());
        string title, heading, message;
        if (verdict == InvokerVerdict.Missing)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            (title, heading, message) = ("403 Forbidden", "Error: Forbidden", $"Your client does not have permission to get URL <code>{path}</code> from this server.");
        }
        else
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            (title, heading, message) = ("401 Unauthorized", "Error: Unauthorized", $"Your client does not have permission to the requested URL <code>{path}</code>.");
            response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\" error_description=\"The access token could not be verified\"";
        }

        response.ContentType = "text/html; charset=UTF-8";
        return response.WriteAsync(
            $"""
            <html><head>
            <meta http-equiv="content-type" content="text/html;charset=utf-8">
            <title>{title}</title>
            </head>
            <body text=#000000 bgcolor=#ffffff>
            <h1>{heading}</h1>
            <h2>{message}</h2>
            <h2></h2>
            </body></html>

            """,
            context.RequestAborted);
    }
}
