using System.Text.Json.Nodes;

namespace FedFunctions.Infra.Tests;

/// <summary>MainBicepTests compile main.bicep with the real Bicep CLI and check the ARM template it produces.</summary>
public sealed class MainBicepTests(MainTemplateFixture fixture) : IClassFixture<MainTemplateFixture>
{
    private ArmTemplate Template => fixture.Template;

    [Fact]
    public void Build_SucceedsWithoutDiagnostics()
    {
        Assert.True(fixture.Build.ExitCode == 0, fixture.Build.Describe());
        Assert.True(string.IsNullOrWhiteSpace(fixture.Build.StdErr), "warnings or errors:\n" + fixture.Build.StdErr);
        Assert.StartsWith("{", fixture.Build.StdOut.TrimStart());
    }

    [Fact]
    public void Plan_IsFlexConsumptionOnLinux()
    {
        var plan = Template.OnlyOfType("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", (string?)plan.Node["sku"]?["name"]);
        Assert.Equal("FlexConsumption", (string?)plan.Node["sku"]?["tier"]);
        Assert.True(plan.Properties["reserved"]?.GetValue<bool>(), "a Linux plan has reserved: true");
    }

    [Fact]
    public void App_RunsTheIsolatedWorkerRuntimeOnDotnet10()
    {
        var site = Template.OnlyOfType("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", (string?)site.Node["kind"]);
        var runtime = site.Properties["functionAppConfig"]?["runtime"];
        Assert.Equal("dotnet-isolated", (string?)runtime?["name"]);
        Assert.Equal("10.0", (string?)runtime?["version"]);
        // The runtime image must carry the .NET the app is built for (framework-dependent package).
        var props = File.ReadAllText(Path.Combine(InfraTestPaths.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<TargetFramework>net{(string?)runtime?["version"]}</TargetFramework>", props);
        Assert.True(site.Properties["httpsOnly"]?.GetValue<bool>());
    }

    [Fact]
    public void App_RunsAsTheUserAssignedIdentity_AndDeploysWithIt()
    {
        Assert.Single(Template.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var site = Template.OnlyOfType("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", (string?)site.Node["identity"]?["type"]);
        var identities = site.Node["identity"]?["userAssignedIdentities"]?.AsObject();
        Assert.NotNull(identities);
        Assert.Single(identities);

        var storage = site.Properties["functionAppConfig"]?["deployment"]?["storage"];
        Assert.Equal("blobContainer", (string?)storage?["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage?["authentication"]?["type"]);
    }

    public static TheoryData<string> RequiredSettings => new()
    {
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "FederationStorage__tableServiceUri",
        "FederationStorage__blobServiceUri",
        "FederationStorage__clientId",
        "FederationStorage__queueServiceUri",
        "FederationStorage__credential",
        "Federation__ShardQueue",
        "Federation__ShardSize",
        "Federation__ConfigPath",
        "Federation__LookbackDelta",
        "Federation__MaxConcurrency",
        "ScrapeSchedule",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    };

    [Theory]
    [MemberData(nameof(RequiredSettings))]
    public void AppSettings_ContainEverySettingTheAppReads(string name)
    {
        var settings = Template.AppSettings();
        Assert.True(settings.ContainsKey(name), $"{name} missing; present: {string.Join(", ", settings.Keys)}");
        Assert.False(string.IsNullOrWhiteSpace(settings[name]), name + " is empty");
    }

    // Flex rejects the runtime/extension settings and the content-share ones; the two connection-string
    // settings would mean storage keys, which the account disables.
    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_TIME_ZONE")]
    [InlineData("TZ")]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("FederationStorage")]
    public void AppSettings_LeaveOutSettingsFlexOrKeylessStorageForbid(string name)
    {
        Assert.DoesNotContain(name, Template.AppSettings().Keys, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("Federation__ConfigPath", "[parameters('configPath')]")]
    [InlineData("ScrapeSchedule", "[parameters('scrapeSchedule')]")]
    [InlineData("FederationStorage__tableServiceUri", "[parameters('tableEndpoint')]")]
    [InlineData("FederationStorage__blobServiceUri", "[parameters('blobEndpoint')]")]
    [InlineData("FederationStorage__clientId", "[parameters('identityClientId')]")]
    [InlineData("AzureWebJobsStorage__clientId", "[parameters('identityClientId')]")]
    [InlineData("FederationStorage__queueServiceUri", "[parameters('queueEndpoint')]")]
    [InlineData("FederationStorage__credential", "managedidentity")]
    [InlineData("Federation__ShardQueue", "[parameters('shardQueueName')]")]
    [InlineData("Federation__ShardSize", "[string(parameters('shardSize'))]")]
    public void AppSettings_HaveTheExpectedValues(string name, string expected)
    {
        Assert.Equal(expected, Template.AppSettings()[name]);
    }

    [Fact]
    public void AppInsightsAuthentication_UsesTheIdentity()
    {
        var value = Template.AppSettings()["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Contains("Authorization=AAD", value, StringComparison.Ordinal);
        Assert.Contains("identityClientId", value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("location", "[resourceGroup().location]")]
    [InlineData("configPath", "prometheus.yml")]
    [InlineData("scrapeSchedule", "0 */1 * * * *")]
    [InlineData("lookbackDelta", "5m")]
    public void Parameters_HaveSensibleDefaults(string name, string expected)
    {
        var parameter = Template.Root["parameters"]?[name];
        Assert.NotNull(parameter);
        Assert.Equal(expected, (string?)parameter["defaultValue"]);
    }

    [Fact]
    public void Parameters_AllHaveDescriptions()
    {
        var parameters = Template.Root["parameters"]!.AsObject();
        Assert.NotEmpty(parameters);
        foreach (var (name, parameter) in parameters)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)parameter?["metadata"]?["description"]), name + " has no @description");
        }
    }

    [Fact]
    public void Storage_AllowsNoKeysAndNoPublicBlobs()
    {
        var storage = Template.OnlyOfType("Microsoft.Storage/storageAccounts").Properties;
        Assert.False(storage["allowSharedKeyAccess"]?.GetValue<bool>());
        Assert.False(storage["allowBlobPublicAccess"]?.GetValue<bool>());
        Assert.Equal("TLS1_2", (string?)storage["minimumTlsVersion"]);
        Assert.True(storage["supportsHttpsTrafficOnly"]?.GetValue<bool>());
    }

    [Fact]
    public void Storage_HasSnapshotTableAndContainers_NamedFedsnapshots()
    {
        Assert.Equal("fedsnapshots", (string?)Template.Root["variables"]?["snapshotsName"]);
        var table = Template.OnlyOfType("Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.Contains("parameters('snapshotsName')", (string?)table.Node["name"], StringComparison.Ordinal);
        var containers = Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(c => (string?)c.Node["name"]).ToList();
        Assert.Equal(3, containers.Count);
        Assert.Contains(containers, n => n!.Contains("parameters('snapshotsName')", StringComparison.Ordinal));
        // The scrape configuration may live there (Federation__ConfigPath as a blob URL).
        Assert.Contains(containers, n => n!.Contains("parameters('configContainerName')", StringComparison.Ordinal));
        Assert.Contains(containers, n => n!.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal));
    }

    [Fact]
    public void Storage_HasTheShardQueueAndItsPoisonQueue_NamedAsTheAppSettingSays()
    {
        Assert.Equal("scrape-shards", (string?)Template.Root["variables"]?["shardQueueName"]);
        var queues = Template.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Select(q => (string?)q.Node["name"]).ToList();
        Assert.Equal(2, queues.Count);
        Assert.Contains(queues, n => n!.EndsWith("parameters('shardQueueName'))]", StringComparison.Ordinal) && !n.Contains("-poison", StringComparison.Ordinal));
        Assert.Contains(queues, n => n!.Contains("parameters('shardQueueName')", StringComparison.Ordinal) && n.Contains("-poison", StringComparison.Ordinal));
        // The app's default queue name is the one the Bicep creates.
        var appDefaults = File.ReadAllText(Path.Combine(InfraTestPaths.RepoRoot, "src", "Functions", "Settings", "FederationOptions.cs"));
        Assert.Contains("public string ShardQueue { get; set; } = \"scrape-shards\";", appDefaults, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shardSize", 100)]
    [InlineData("maximumInstanceCount", 40)]
    [InlineData("instanceMemoryMB", 2048)]
    public void Parameters_ExposeScalingWithDefaults(string name, int expected)
    {
        Assert.Equal(expected, (int?)Template.Root["parameters"]?[name]?["defaultValue"]);
        var site = Template.OnlyOfType("Microsoft.Web/sites");
        var scale = site.Properties["functionAppConfig"]?["scaleAndConcurrency"];
        if (name != "shardSize") Assert.Equal($"[parameters('{name}')]", (string?)scale?[name]);
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b")] // Storage Blob Data Owner
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3")] // Storage Table Data Contributor
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88")] // Storage Queue Data Contributor
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb")] // Monitoring Metrics Publisher
    public void RoleAssignments_GrantTheBuiltInRole(string roleDefinitionGuid)
    {
        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments");
        Assert.NotEmpty(assignments);
        // The GUID lives in the template declaring the assignments (literally or in a variable it indexes).
        var declaring = assignments[0].Template.ToJsonString();
        Assert.Contains(roleDefinitionGuid, declaring, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RoleAssignments_AreFourServicePrincipalGrantsNamedByGuidOfIds()
    {
        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments");
        var count = assignments.Sum(a => a.Node["copy"]?["count"] is JsonNode c ? CopyCount(c, a.Template) : 1);
        Assert.Equal(4, count);
        foreach (var assignment in assignments)
        {
            var name = (string?)assignment.Node["name"];
            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            // reference() in a name would mean a runtime value (BCP120-style): ids only.
            Assert.DoesNotContain("reference(", name, StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", (string?)assignment.Properties["principalType"]);
            Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions'",
                (string?)assignment.Properties["roleDefinitionId"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Monitoring_IsWorkspaceBasedAppInsightsWithEntraOnlyIngestion()
    {
        Assert.Single(Template.OfType("Microsoft.OperationalInsights/workspaces"));
        var insights = Template.OnlyOfType("Microsoft.Insights/components").Properties;
        Assert.True(insights["DisableLocalAuth"]?.GetValue<bool>());
        Assert.NotNull(insights["WorkspaceResourceId"]);
    }

    [Fact]
    public void Storage_HasTheConfigContainer_NamedConfig_AndItsBlobUrlIsAnOutput()
    {
        var storage = Template.OfType("Microsoft.Resources/deployments").Single(d => (string?)d.Node["name"] == "storage");
        Assert.Equal("config", (string?)storage.Properties["parameters"]?["configContainerName"]?["value"]);
        var url = (string?)Template.Root["outputs"]?["configBlobUrl"]?["value"];
        Assert.NotNull(url);
        Assert.Contains("configContainerUrl", url, StringComparison.Ordinal);
        Assert.Contains("/prometheus.yml", url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("functionAppName")]
    [InlineData("defaultHostName")]
    [InlineData("federateUrl")]
    public void Outputs_NameTheAppAndItsEndpoints(string name)
    {
        var output = Template.Root["outputs"]?[name];
        Assert.NotNull(output);
        Assert.Equal("string", (string?)output["type"]);
    }

    [Fact]
    public void FederateUrl_IsHttpsFederateOnTheDefaultHostName()
    {
        var value = (string?)Template.Root["outputs"]?["federateUrl"]?["value"];
        Assert.NotNull(value);
        Assert.Contains("https://", value, StringComparison.Ordinal);
        Assert.Contains("/federate", value, StringComparison.Ordinal);
        Assert.Contains("defaultHostName", value, StringComparison.Ordinal);
    }

    // A copy count is either a number or a length() expression over a variable array.
    private static int CopyCount(JsonNode count, JsonObject template)
    {
        if (count.GetValueKind() == System.Text.Json.JsonValueKind.Number) return count.GetValue<int>();
        var text = count.GetValue<string>();
        const string prefix = "[length(variables('";
        Assert.StartsWith(prefix, text, StringComparison.Ordinal);
        var variable = text[prefix.Length..text.IndexOf('\'', prefix.Length)];
        return template["variables"]?[variable]?.AsArray().Count ?? throw new InvalidOperationException("no variable " + variable);
    }
}
