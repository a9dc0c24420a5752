using System.Text;
using FedFunctions.Core.Model;
using FedFunctions.Core.Scraping;

namespace FedFunctions.Core.Tests.Scraping;

// Per-job limits, Authorization headers and follow_redirects against the real HTTP test server.
public sealed partial class ScraperTests
{
    private static string BasicHeader(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    public static TheoryData<string, string> AuthJobs => new()
    {
        { "    basic_auth:\n      username: prom\n      password: 's3cr3t:pw'\n", BasicHeader("prom", "s3cr3t:pw") },
        { "    authorization:\n      credentials: s3cr3t-token\n", "Bearer s3cr3t-token" },
        { "    authorization:\n      type: Token\n      credentials: s3cr3t-token\n", "Token s3cr3t-token" },
        { "    bearer_token: s3cr3t-token\n", "Bearer s3cr3t-token" },
    };

    [Theory]
    [MemberData(nameof(AuthJobs))]
    public async Task SendsAuthorizationHeader(string jobYaml, string expected)
    {
        _server.Serve("/metrics", "a 1\n");

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: jobYaml));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal(expected, Assert.Single(_server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task NoAuthorizationHeaderWithoutAuthConfig()
    {
        _server.Serve("/metrics", "a 1\n");

        await NewScraper().ScrapeAsync(Target());

        Assert.False(Assert.Single(_server.Requests).Headers.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData("    authorization:\n      credentials_file: '{0}'\n", "Bearer {0}", "unable to read authorization credentials file")]
    [InlineData("    bearer_token_file: '{0}'\n", "Bearer {0}", "unable to read authorization credentials file")]
    [InlineData("    basic_auth:\n      username: prom\n      password_file: '{0}'\n", "basic", "unable to read basic auth password file")]
    public async Task SecretFileIsReadAtEachScrape(string jobYamlFormat, string expectedFormat, string readError)
    {
        var dir = Directory.CreateTempSubdirectory("fedfn-scrape-auth-");
        try
        {
            var file = Path.Combine(dir.FullName, "secret");
            await File.WriteAllTextAsync(file, "s3cr3t-one\n");
            _server.Serve("/metrics", "a 1\n");
            var scraper = NewScraper();
            var target = Target(jobYaml: string.Format(System.Globalization.CultureInfo.InvariantCulture, jobYamlFormat, file));

            var first = await scraper.ScrapeAsync(target);
            await File.WriteAllTextAsync(file, "s3cr3t-two");
            var second = await scraper.ScrapeAsync(target);
            File.Delete(file);
            var third = await scraper.ScrapeAsync(target);

            Assert.True(first.Up, first.Error);
            Assert.True(second.Up, second.Error);
            string Expected(string secret) => expectedFormat == "basic" ? BasicHeader("prom", secret) : string.Format(System.Globalization.CultureInfo.InvariantCulture, expectedFormat, secret);
            Assert.Equal([Expected("s3cr3t-one"), Expected("s3cr3t-two")], _server.Requests.Select(r => r.Headers["Authorization"]));
            // The rotated file is gone: that target's scrape fails, naming the file, before any request.
            AssertDown(third, $"{readError} {file}");
            Assert.DoesNotContain("s3cr3t", third.Error.Replace(file, "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Equal(2, _server.Requests.Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RejectedCredentialsFailWithoutShowingThem()
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes("denied"), status: 401);

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: "    basic_auth:\n      username: prom\n      password: s3cr3t\n"));

        AssertDown(snapshot, "server returned HTTP status 401 Unauthorized");
        Assert.DoesNotContain("s3cr3t", snapshot.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("prom:s3cr3t")), snapshot.Error, StringComparison.Ordinal);
    }

    [Theory]
    // Prometheus 3 fails the scrape of a UTF-8 name when the job validates names the legacy way.
    [InlineData("{\"http.requests\"} 1\n", "invalid metric name or label names: {__name__=\"http.requests\", instance=")]
    [InlineData("m{\"a.b\"=\"1\"} 1\n", "invalid metric name or label names: {__name__=\"m\", \"a.b\"=\"1\", instance=")]
    public async Task LegacyValidationFailsTheScrapeOfAUtf8Name(string body, string error)
    {
        _server.Serve("/metrics", body);
        const string legacy = "    metric_name_validation_scheme: legacy\n";

        AssertDown(await NewScraper().ScrapeAsync(Target(jobYaml: legacy)), error);
        Assert.True((await NewScraper().ScrapeAsync(Target())).Up, "utf8 (the default) keeps the name");
        _server.Serve("/metrics", "m{a=\"1\"} 1\n");
        Assert.True((await NewScraper().ScrapeAsync(Target(jobYaml: legacy))).Up, "legacy names pass legacy validation");
    }

    private const string ThreeSeries = "a{x=\"1\"} 1\na{x=\"2\"} 2\nb 3\n";

    [Theory]
    [InlineData("    sample_limit: 3\n", true)]
    [InlineData("    sample_limit: 0\n", true)]
    [InlineData("    sample_limit: 2\n", false)]
    [InlineData("    sample_limit: 1\n", false)]
    // Counted after metric relabeling: dropping one series brings 3 down to 2.
    [InlineData("    sample_limit: 2\n    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: b\n        action: drop\n", true)]
    public async Task SampleLimitFailsTheWholeScrape(string jobYaml, bool up)
    {
        _server.Serve("/metrics", ThreeSeries);

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: jobYaml));

        if (up) Assert.True(snapshot.Up, snapshot.Error);
        else AssertDown(snapshot, "sample limit exceeded");
    }

    public static TheoryData<string, string, string?> LabelLimitCases => new()
    {
        // __name__, instance, job and two body labels: five labels.
        { "    label_limit: 5\n", "m{a=\"1\",b=\"2\"} 1\n", null },
        { "    label_limit: 4\n", "m{a=\"1\",b=\"2\"} 1\n", "label_limit exceeded (metric: m, number of labels: 5, limit: 4)" },
        { "    label_name_length_limit: 8\n", "ok 1\nm{long_name=\"1\"} 1\n", "label_name_length_limit exceeded (metric: m, label name: long_name, length: 9, limit: 8)" },
        { "    label_name_length_limit: 9\n", "m{long_name=\"1\"} 1\n", null },
        { "    label_value_length_limit: 3\n", "m{a=\"abcd\"} 1\n", "label_value_length_limit exceeded (metric: m, label name: a, value: \"abcd\", length: 4, limit: 3)" },
        // Lengths are UTF-8 bytes, as in Go: "é" is two.
        { "    label_value_length_limit: 3\n", "m{a=\"éé\"} 1\n", "label_value_length_limit exceeded (metric: m, label name: a, value: \"éé\", length: 4, limit: 3)" },
        { "    label_value_length_limit: 4\n", "m{a=\"éé\"} 1\n", null },
    };

    [Theory]
    [MemberData(nameof(LabelLimitCases))]
    public async Task LabelLimitsFailTheScrapeNamingTheLabel(string jobYaml, string body, string? expectedError)
    {
        _server.Serve("/metrics", body);

        // A short address keeps the instance value under the value-length limits.
        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: jobYaml + "    relabel_configs:\n      - target_label: instance\n        replacement: i\n"));

        if (expectedError is null) Assert.True(snapshot.Up, snapshot.Error);
        else
        {
            AssertDown(snapshot, expectedError);
            Assert.Equal(expectedError, snapshot.Error);
        }
    }

    [Fact]
    public async Task LabelValueLimitAppliesToTargetLabelsToo()
    {
        _server.Serve("/metrics", "m 1\n");

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: "    label_value_length_limit: 5\n"));

        AssertDown(snapshot, "label_value_length_limit exceeded (metric: m, label name: instance, value: ");
    }

    [Fact]
    public async Task BodySizeLimitPerJobOverridesTheScraperDefault()
    {
        var body = FedFunctions.TestSupport.RepoPaths.Fixture("node_exporter-1.5.0.txt");
        Assert.True(body.Length > 10_000);
        _server.Serve("/metrics", body, gzip: true);
        var scraper = NewScraper(new ScraperOptions { BodySizeLimitBytes = 10_000 });

        var small = await scraper.ScrapeAsync(Target(jobYaml: "    body_size_limit: 1KB\n", job: "small"));
        var large = await scraper.ScrapeAsync(Target(jobYaml: "    body_size_limit: 10MB\n", job: "large"));
        var unset = await scraper.ScrapeAsync(Target(jobYaml: "    body_size_limit: 0\n", job: "unset"));

        AssertDown(small, "body size limit exceeded (limit: 1024 bytes)");
        Assert.True(large.Up, large.Error);
        AssertDown(unset, "body size limit exceeded (limit: 10000 bytes)");
    }

    [Fact]
    public async Task BodySizeLimitPerJobChecksContentLengthOfPlainBodies()
    {
        _server.Serve("/metrics", Encoding.UTF8.GetBytes(new string('#', 3000) + "\nm 1\n"));

        var snapshot = await NewScraper().ScrapeAsync(Target(jobYaml: "    body_size_limit: 2KiB\n"));

        AssertDown(snapshot, "body size limit exceeded (limit: 2048 bytes)");
    }

    private void ServeRedirect()
    {
        _server.Serve("/metrics", "a 1\n");
        _server.Route("/old", context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/metrics";
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task FollowRedirectsFalseFailsOnA302()
    {
        ServeRedirect();

        var snapshot = await NewScraper().ScrapeAsync(Target("/old", "    follow_redirects: false\n"));

        AssertDown(snapshot, "server returned HTTP status 302 Found");
        Assert.Equal(["/old"], _server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task FollowRedirectsByDefault()
    {
        ServeRedirect();

        var snapshot = await NewScraper().ScrapeAsync(Target("/old", "    follow_redirects: true\n"));

        Assert.True(snapshot.Up, snapshot.Error);
        Assert.Equal(["/old", "/metrics"], _server.Requests.Select(r => r.Path));
        Assert.Equal(1, Scraped(snapshot).Single(s => s.Labels.MetricName == "a").Value);
    }

    [Fact]
    public async Task SuppliedNoRedirectClientIsUsedForFollowRedirectsFalse()
    {
        ServeRedirect();
        using var noRedirect = Scraper.CreateHttpClient(followRedirects: false);
        var scraper = new Scraper(SharedClient, noRedirect, new ScraperOptions { TimeProvider = new FixedTimeProvider(Now) });

        var notFollowed = await scraper.ScrapeAsync(Target("/old", "    follow_redirects: false\n", job: "nofollow"));
        var followed = await scraper.ScrapeAsync(Target("/old", "", job: "follow"));

        AssertDown(notFollowed, "server returned HTTP status 302 Found");
        Assert.True(followed.Up, followed.Error);
        Assert.Equal(Labels.Of("instance", _server.HostPort, "job", "follow"), followed.TargetLabels);
    }
}
