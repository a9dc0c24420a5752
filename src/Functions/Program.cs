using FedFunctions.Functions.Hosting;

// fed-functions' Azure Functions custom handler: see README.md ("Why a custom handler").
return FederationApp.Run(args, Environment.GetEnvironmentVariable);
