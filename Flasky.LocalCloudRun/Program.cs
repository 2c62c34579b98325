using Flasky.LocalCloudRun;
using Microsoft.Extensions.Configuration;

if (args.Length > 0 && args[0] == TokenCommand.Name)
{
    // The front's settings from the environment (LocalCloudRun__…); the key falls back to the AppHost's user secrets.
    var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
    return TokenCommand.Run(args[1..], configuration, Console.Out, Console.Error, TimeProvider.System);
}

await using var front = LocalCloudRunFront.Build(args);
await front.App.RunAsync();
return 0;
