var builder = DistributedApplication.CreateBuilder(args);

// The document database: a local Cosmos DB server with the seed's layout.
var cosmos = builder.AddCosmosEmulator("cosmos")
    .WithContainer(database: "CandidateDatabase", container: "Candidates", partitionKeyPath: "/CandidateName");

// The function key every request must carry (x-functions-key or ?code=); generated once, kept in user secrets.
var functionKey = builder.AddParameter(
    "function-key",
    new GenerateParameterDefault { MinLength = 40, Special = false },
    secret: true,
    persist: true);

// The Azure Functions app, served by its own local host (Functions Core Tools can't run here). Its health endpoints
// live on a loopback management port of their own, so the API port serves only the contract.
builder.AddProject<Projects.Flasky_Functions>("functions")
    .WithReference(cosmos)
    .WaitFor(cosmos)
    .WithEnvironment("FunctionKeys__Host__default", functionKey)
    .WithManagementEndpoint()
    .WithUrlForEndpoint("http", url => url.DisplayText = "API (needs the function key)");

// GCP: the official Firestore emulator (gcloud CLI + its emulator component; without them only this resource fails).
var firestore = builder.AddFirestoreEmulator("firestore");

// The Cloud Run host on $PORT, and in front of it the local stand-in for Cloud Run's IAM invoker check (ID tokens).
var cloudRun = builder.AddCloudRunHost("cloudrun", firestore);
builder.AddLocalCloudRunFront("cloudrun-front", cloudRun, port: 7073);

builder.Build().Run();
