namespace FedFunctions.Functions.Cost;

/// <summary>CostScenario is what the cost command is asked to price: a configuration and how it is used.</summary>
internal sealed record CostScenario
{
    /// <summary>ConfigPath is the scrape configuration: a file, or a blob URL as <c>Federation__ConfigPath</c> takes.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Federators is how many Prometheus servers federate from the app.</summary>
    public int Federators { get; init; } = 1;

    /// <summary>FederateInterval is how often each federator reads <c>/federate</c> (its scrape_interval).</summary>
    public TimeSpan FederateInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Match is the <c>match[]</c> selector of each read.</summary>
    public string Match { get; init; } = "{job=~\".+\"}";

    /// <summary>Window is how much simulated time is measured; null: until the pattern of runs and reads repeats (at most <see cref="CostSimulation.MaxWindow"/>).</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>InstanceMemoryMb is the Flex instance memory (512, 2048 or 4096 MB) that GB-seconds are billed at.</summary>
    public int InstanceMemoryMb { get; init; } = 2048;
}
