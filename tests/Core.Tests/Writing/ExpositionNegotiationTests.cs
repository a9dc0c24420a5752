using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

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
        var answer = ExpositionNegotiation.Negotiate(accept);
        Assert.Equal(expected ? AnswerFormat.Protobuf : AnswerFormat.Text, answer.Format);
        Assert.StartsWith(expected ? ExpositionNegotiation.ProtobufContentType : ExpositionNegotiation.TextContentType, answer.ContentType);
    }

    private const string Text = "text/plain; version=0.0.4; charset=utf-8";
    private const string Proto = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    // Prometheus 3's scrape Accept headers (scrape/scrape.go acceptHeader, v3.4+): the default list and the
    // proto-first list of scrape_native_histograms, with each metric_name_escaping_scheme.
    private const string V3Default =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    private const string V3ProtoFirst =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    public static TheoryData<string?, string> EscapingHeaders => new()
    {
        // The v3 default list: the text 0.0.4 clause is chosen, the escaping of the 1.0.0 clauses before it stands.
        { V3Default, Text + "; escaping=allow-utf-8" },
        { V3Default.Replace("allow-utf-8", "underscores"), Text + "; escaping=underscores" },
        { V3Default.Replace("allow-utf-8", "dots"), Text + "; escaping=dots" },
        { V3Default.Replace("allow-utf-8", "values"), Text + "; escaping=values" },
        // Proto first: chosen before any escaping= is seen, so the default underscores.
        { V3ProtoFirst, Proto + "; escaping=underscores" },
        { V3ProtoFirst.Replace("allow-utf-8", "values"), Proto + "; escaping=underscores" },
        // v3.0-v3.3 put escaping=allow-utf-8 on every clause, protobuf included.
        { "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8;q=0.5,text/plain;version=0.0.4;escaping=allow-utf-8;q=0.3,*/*;escaping=allow-utf-8;q=0.2", Proto + "; escaping=allow-utf-8" },
        { "text/plain;version=0.0.4;escaping=allow-utf-8;q=0.3,*/*;escaping=allow-utf-8;q=0.2", Text + "; escaping=allow-utf-8" },
        // Prometheus 2.x and clients without the parameter: names escaped with underscores.
        { FederateNativeHistogramsAccept, Proto + "; escaping=underscores" },
        { "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", Text + "; escaping=underscores" },
        { null, Text + "; escaping=underscores" },
        { "", Text + "; escaping=underscores" },
        { "*/*", Text + "; escaping=underscores" },
        // Each scheme asked for directly.
        { "text/plain;version=0.0.4;escaping=dots", Text + "; escaping=dots" },
        { "text/plain;escaping=values", Text + "; escaping=values" },
        { Proto + ";escaping=allow-utf-8", Proto + "; escaping=allow-utf-8" },
        { Proto + ";escaping=dots", Proto + "; escaping=dots" },
        // Unknown or misspelt values are ignored (case matters, as in Go).
        { "text/plain;version=0.0.4;escaping=bogus", Text + "; escaping=underscores" },
        { "text/plain;version=0.0.4;escaping=Allow-UTF-8", Text + "; escaping=underscores" },
        // The last escaping seen up to the chosen clause wins; clauses after it do not count.
        { "text/plain;version=1.0.0;escaping=values;q=0.9,text/plain;version=0.0.4;escaping=dots;q=0.8", Text + "; escaping=dots" },
        { "text/plain;version=1.0.0;escaping=values;q=0.9,text/plain;version=0.0.4;q=0.8,text/plain;escaping=dots;q=0.1", Text + "; escaping=values" },
        // Nothing chosen: the text fallback keeps whatever escaping was seen.
        { "application/openmetrics-text;version=1.0.0;escaping=dots", Text + "; escaping=dots" },
    };

    private const string FederateNativeHistogramsAccept =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    [Theory]
    [MemberData(nameof(EscapingHeaders))]
    public void TheEscapingParameterOfTheClausesUpToTheChosenOneDecidesTheNames(string? accept, string contentType)
    {
        var answer = ExpositionNegotiation.Negotiate(accept);
        Assert.Equal(contentType, answer.ContentType);
        var spelling = contentType[(contentType.LastIndexOf('=') + 1)..];
        Assert.Equal(spelling, NameEscaping.Spelling(answer.Escaping));
        Assert.Equal(contentType.StartsWith(Proto, StringComparison.Ordinal) ? AnswerFormat.Protobuf : AnswerFormat.Text, answer.Format);
    }

    [Fact]
    public void NegotiationReusesItsAnswers()
    {
        Assert.Same(ExpositionNegotiation.Negotiate(V3Default), ExpositionNegotiation.Negotiate(V3Default));
    }
}
