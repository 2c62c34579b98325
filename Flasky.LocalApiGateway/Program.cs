using Flasky.LocalApiGateway;

await LocalApiGatewayApp.Build(args).RunAsync();
