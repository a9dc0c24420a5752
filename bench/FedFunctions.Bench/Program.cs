// Run: dotnet run -c Release --project bench/FedFunctions.Bench -- --filter '*'
// (or --filter '*Parse*' etc.; add --job short for a quick look). See bench/README.md for results.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
