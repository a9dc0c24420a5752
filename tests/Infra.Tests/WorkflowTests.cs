using YamlDotNet.RepresentationModel;

namespace FedFunctions.Infra.Tests;

/// <summary>
/// WorkflowTests check <c>.github/workflows</c> with the real action-validator and by reading the YAML: the
/// deploy job can get an OIDC token, actions are pinned to major versions, and each workflow runs what it must.
/// </summary>
public sealed class WorkflowTests
{
    public static TheoryData<string> WorkflowFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Workflow.WorkflowsDir).Order()) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void Workflows_AreCiAndDeploy()
    {
        var names = Directory.GetFiles(Workflow.WorkflowsDir).Select(p => Path.GetFileName(p)).Order().ToArray();
        Assert.Equal(["ci.yml", "deploy.yml"], names);
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public async Task ActionValidator_AcceptsWorkflow(string fileName)
    {
        var result = await ActionValidator.RunAsync(Path.Combine(Workflow.WorkflowsDir, fileName));
        Assert.True(result.ExitCode == 0, $"action-validator rejected {fileName} (exit {result.ExitCode}):\n{result.Output}");
    }

    [Fact]
    public async Task ActionValidator_RejectsBrokenWorkflow_NamingTheProblems()
    {
        // No "on:" trigger and a permission value GitHub does not know: both must be reported.
        const string broken = """
            name: broken
            jobs:
              deploy:
                runs-on: ubuntu-latest
                permissions:
                  id-token: writ
                steps:
                  - run: echo hi
            """;
        var dir = Directory.CreateTempSubdirectory("fed-workflow-");
        try
        {
            var path = Path.Combine(dir.FullName, "broken.yml");
            await File.WriteAllTextAsync(path, broken);

            var result = await ActionValidator.RunAsync(path);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("\"path\": \"/on\"", result.Output);
            Assert.Contains("This property is required", result.Output);
            Assert.Contains("/jobs/deploy/permissions/id-token", result.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void EveryAction_IsPinnedToAMajorVersion(string fileName)
    {
        var uses = Workflow.Load(fileName).Uses();
        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.True(Workflow.IsPinnedToMajorVersion(u), $"{fileName}: '{u}' is not pinned to a major version tag (@vN)"));
    }

    [Theory]
    [InlineData("actions/checkout@v4", true)]
    [InlineData("Azure/functions-action@v1", true)]
    [InlineData("github/codeql-action/init@v3", true)]
    [InlineData("actions/checkout@main", false)]
    [InlineData("actions/checkout", false)]
    [InlineData("actions/checkout@v4.1.1", false)]
    [InlineData("actions/checkout@", false)]
    [InlineData("./.github/actions/local", false)]
    [InlineData("docker://alpine:3", false)]
    public void MajorVersionPin_AcceptsOnlyVN(string uses, bool pinned) =>
        Assert.Equal(pinned, Workflow.IsPinnedToMajorVersion(uses));

    [Fact]
    public void Ci_RunsTheReadmeTestCommand_OnPushAndPullRequest()
    {
        var ci = Workflow.Load("ci.yml");
        var on = (YamlMappingNode)ci.Root["on"];
        Assert.True(on.Children.ContainsKey("push"), "ci.yml must run on push");
        Assert.True(on.Children.ContainsKey("pull_request"), "ci.yml must run on pull_request");

        var steps = ci.Steps();
        Assert.Contains(steps, s => Workflow.Scalar(s, "run")?.Contains("scripts/test.sh") == true);
        var dotnet = Assert.Single(steps, s => Workflow.Scalar(s, "uses")?.StartsWith("actions/setup-dotnet@") == true);
        Assert.Equal("global.json", Workflow.Scalar((YamlMappingNode)dotnet["with"], "global-json-file"));
        var node = Assert.Single(steps, s => Workflow.Scalar(s, "uses")?.StartsWith("actions/setup-node@") == true);
        Assert.Equal("20", Workflow.Scalar((YamlMappingNode)node["with"], "node-version"));
        var upload = Assert.Single(steps, s => Workflow.Scalar(s, "uses")?.StartsWith("actions/upload-artifact@") == true);
        Assert.Equal("always()", Workflow.Scalar(upload, "if"));
        Assert.StartsWith("TestResults", Workflow.Scalar((YamlMappingNode)upload["with"], "path"));
    }

    [Fact]
    public void DeployJob_MayRequestAnOidcToken_AndLogsInWithoutASecret()
    {
        var deploy = Workflow.Load("deploy.yml");
        var permissions = (YamlMappingNode)deploy.Job("deploy")["permissions"];
        Assert.Equal("write", Workflow.Scalar(permissions, "id-token"));
        Assert.Equal("read", Workflow.Scalar(permissions, "contents"));

        var login = Assert.Single(deploy.Steps(), s => Workflow.Scalar(s, "uses")?.StartsWith("azure/login@") == true);
        var with = (YamlMappingNode)login["with"];
        foreach (var input in new[] { "client-id", "tenant-id", "subscription-id" })
        {
            Assert.False(string.IsNullOrWhiteSpace(Workflow.Scalar(with, input)), $"azure/login lacks {input}");
        }
        // OIDC only: no service-principal JSON, no client secret anywhere in the workflow.
        Assert.False(with.Children.ContainsKey("creds"), "azure/login must not use creds (a client secret)");
        Assert.DoesNotContain("client-secret", File.ReadAllText(Path.Combine(Workflow.WorkflowsDir, "deploy.yml")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Deploy_LogsIn_DeploysBicep_PackagesAndDeploysTheZip_ThenWaitsForReady_InThatOrder()
    {
        var steps = Workflow.Load("deploy.yml").Steps();
        int Index(Func<YamlMappingNode, bool> match, string what)
        {
            var i = steps.ToList().FindIndex(s => match(s));
            Assert.True(i >= 0, $"deploy.yml has no step that {what}");
            return i;
        }
        bool Runs(YamlMappingNode s, string text) => Workflow.Scalar(s, "run")?.Contains(text) == true;
        bool Uses(YamlMappingNode s, string action) => Workflow.Scalar(s, "uses")?.StartsWith(action + "@", StringComparison.OrdinalIgnoreCase) == true;

        var login = Index(s => Uses(s, "azure/login"), "uses azure/login");
        var bicep = Index(s => Runs(s, "az deployment group create") && Runs(s, "infra/bicep/main.bicep") && Runs(s, "infra/bicep/main.bicepparam"),
            "runs az deployment group create with infra/bicep/main.bicep and main.bicepparam");
        var package = Index(s => Runs(s, "scripts/package.sh"), "runs scripts/package.sh");
        var zipDeploy = Index(s => Uses(s, "Azure/functions-action"), "uses Azure/functions-action");
        var ready = Index(s => Runs(s, "/-/ready"), "calls /-/ready");

        Assert.True(login < bicep && bicep < package && package < zipDeploy && zipDeploy < ready,
            $"expected login < bicep < package < zip deploy < ready, got {login}, {bicep}, {package}, {zipDeploy}, {ready}");

        // The zip deployed is the one package.sh wrote, with no remote build (Flex must not run Oryx).
        var deployWith = (YamlMappingNode)steps[zipDeploy]["with"];
        Assert.Equal("${{ env.PACKAGE }}", Workflow.Scalar(deployWith, "package"));
        Assert.Contains("\"$PACKAGE\"", Workflow.Scalar(steps[package], "run"));
        Assert.Equal("false", Workflow.Scalar(deployWith, "remote-build"));
        Assert.False(deployWith.Children.ContainsKey("scm-do-build-during-deployment"));
        Assert.False(deployWith.Children.ContainsKey("enable-oryx-build"));

        // The readiness check fails the job unless it gets a 200, and gives up after a bounded number of tries.
        var readyScript = Workflow.Scalar(steps[ready], "run")!;
        Assert.Contains("== \"200\"", readyScript);
        Assert.Matches(@"for attempt in \$\(seq 1 \d+\)", readyScript);
        Assert.Contains("--max-time", readyScript);
        Assert.Contains("exit 1", readyScript);
    }
}
