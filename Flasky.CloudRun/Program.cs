using Flasky.CloudRun;

await using var app = CloudRunHost.Build(args);
await app.RunAsync();
