namespace FedFunctions.Infra.Tests;

/// <summary>MainTemplateFixture compiles <c>infra/bicep/main.bicep</c> once for all tests of a class.</summary>
public sealed class MainTemplateFixture : IAsyncLifetime
{
    private BicepResult? _build;
    private ArmTemplate? _template;

    /// <summary>Build is the result of <c>bicep build main.bicep --stdout</c>.</summary>
    public BicepResult Build => _build ?? throw new InvalidOperationException("not built");

    /// <summary>Template is the compiled ARM template.</summary>
    public ArmTemplate Template => _template ??= new ArmTemplate(Build.StdOut);

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _build = await BicepCli.RunAsync(InfraTestPaths.BicepDir, "build", "main.bicep", "--stdout");

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}
