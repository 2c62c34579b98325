var builder = DistributedApplication.CreateBuilder(args);

// The document database: a local Cosmos DB server with the seed's layout. These names are declared only here; the app
// gets them as configuration (in Azure, from the Bicep outputs as app settings).
var cosmos = builder.AddCosmosEmulator("cosmos")
    .WithContainer(database: "CandidateDatabase", container: "Candidates", partitionKeyPath: "/CandidateName");

// AWS's document database: DynamoDB Local (needs Java 17+) with the seed's table. Nothing Azure waits for it.
var dynamodb = builder.AddDynamoDbLocal("dynamodb")
    .WithTable("Candidates", hashKey: "CandidateName");

// The function key every request must carry (x-functions-key or ?code=); generated once, kept in user secrets.
var functionKey = builder.AddParameter(
    "function-key",
    new GenerateParameterDefault { MinLength = 40, Special = false },
    secret: true,
    persist: true);

// The Azure Functions app, served by its own local host (Functions Core Tools can't run here). Its health endpoints
// live on a loopback management port of their own, so the API port serves only the contract.
builder.AddProject<Projects.Flasky_Functions>("functions")
    .WithCosmosContainerReference(cosmos)
    .WaitFor(cosmos)
    .WithEnvironment("FunctionKeys__Host__default", functionKey)
    .WithManagementEndpoint()
    .WithUrlForEndpoint("http", url => url.DisplayText = "API (needs the function key)")
    // Dashboard commands: run the contract check, add sample candidates, show a curl command (key never shown).
    .WithApiCommands(ApiCredentials.FunctionKey(functionKey), ApiCredentials.FunctionKeyCurl);

// AWS: the Lambda function, run by a local API Gateway (SigV4 on every route) at :7072 over the Lambda Runtime API.
// The key pair callers sign with is generated once and kept in user secrets, like the function key.
var awsAccessKeyId = builder.AddParameter(
    "aws-access-key-id",
    new GenerateParameterDefault { MinLength = 20, Lower = false, Special = false },
    secret: true,
    persist: true);
var awsSecretAccessKey = builder.AddParameter(
    "aws-secret-access-key",
    new GenerateParameterDefault { MinLength = 40, Special = false },
    secret: true,
    persist: true);
var apiGateway = builder.AddLocalApiGateway("apigateway", port: 7072, awsAccessKeyId, awsSecretAccessKey)
    .WithApiCommands(ApiCredentials.SigV4(awsAccessKeyId, awsSecretAccessKey), ApiCredentials.SigV4Curl);
builder.AddProject<Projects.Flasky_Lambda>("lambda")
    .WithReference(dynamodb)
    .WaitFor(dynamodb)
    .WithLambdaRuntimeApi(apiGateway);
// GCP: the official Firestore emulator (gcloud CLI + its emulator component; without them only this resource fails).
var firestore = builder.AddFirestoreEmulator("firestore");

// The Cloud Run host on $PORT, and in front of it the local stand-in for Cloud Run's IAM invoker check (ID tokens).
var cloudRun = builder.AddCloudRunHost("cloudrun", firestore);
var cloudRunFront = builder.AddLocalCloudRunFront("cloudrun-front", cloudRun, port: 7073);
var tokenSigningKey = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == CloudRunExtensions.SigningKeyParameter);
cloudRunFront.WithApiCommands(ApiCredentials.IdToken(tokenSigningKey), ApiCredentials.IdTokenCurl);

builder.Build().Run();
