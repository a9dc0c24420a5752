using FedFunctions.Functions.Hosting;

// fed-functions: an Azure Functions isolated worker under the Functions host, a plain ASP.NET Core
// server otherwise (README.md, "Hosting").
return FederationApp.Run(args, Environment.GetEnvironmentVariable);
