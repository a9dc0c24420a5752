using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Writing;

public class ExpositionNegotiationTests
{
    public static TheoryData<string?, bool> Headers => new()
    {
        // Prometheus 2.42 with --enable-feature=native-histograms.
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2", true },
        // Prometheus 2.42's default scrape Accept header.
        { "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", false },
        // Prometheus v3 with scrape_native_histograms.
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2", true },
        { "application/openmetrics-text", false },
        { "application/openmetrics-text; version=1.0.0", false },
        { null, false },
        { "", false },
        { "*/*", false },
        { "text/plain", false },
        { "text/plain;version=1.0.0", false },
        { "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", true },
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=underscores", true },
        // Only the delimited encoding is served; the debug encodings fall through to later clauses or text.
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text", false },
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=compact-text,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5", true },
        { "application/vnd.google.protobuf;proto=other.Message;encoding=delimited", false },
        { "application/vnd.google.protobuf;encoding=delimited", false },
        // Quality decides, not the order in the header.
        { "text/plain;version=0.0.4;q=0.5,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6", true },
        { "text/plain;version=0.0.4;q=0.6,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5", false },
        // At equal quality the header order stands.
        { "text/plain;version=0.0.4,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", false },
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain", true },
        // An unknown text version does not stop the search.
        { "text/plain;version=1.0.0,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.1", true },
        // Whitespace around the parts is ignored, as goautoneg does.
        { " application/vnd.google.protobuf ; proto=io.prometheus.client.MetricFamily ; encoding=delimited ; q=0.9 , text/plain;q=0.1", true },
        { "garbage,,;;", false },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void ChoosesProtobufOnlyWhenDelimitedMetricFamiliesComeFirst(string? accept, bool expected)
    {
        Assert.Equal(expected, ExpositionNegotiation.WantsProtobuf(accept));
    }

    [Fact]
    public void ContentTypesAreThoseOfPrometheus2()
    {
        Assert.Equal("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", ExpositionNegotiation.ProtobufContentType);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", ExpositionNegotiation.TextContentType);
    }
}
