using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Exposition;

/// <summary>The escaping schemes of Prometheus 3 (prometheus/common model.EscapeName/UnescapeName and their tests).</summary>
public sealed class NameEscapingTests
{
    // input -> underscores, dots, dots unescaped, values (common's TestEscapeName table).
    public static TheoryData<string, string, string, string, string> Names => new()
    {
        { "", "", "", "", "" },
        { "no:escaping_required", "no:escaping_required", "no:escaping__required", "no:escaping_required", "no:escaping_required" },
        { "mysystem.prod.west.cpu.load", "mysystem_prod_west_cpu_load", "mysystem_dot_prod_dot_west_dot_cpu_dot_load", "mysystem.prod.west.cpu.load", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load" },
        { "mysystem.prod.west.cpu.load_total", "mysystem_prod_west_cpu_load_total", "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total", "mysystem.prod.west.cpu.load_total", "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total" },
        { "http.status:sum", "http_status:sum", "http_dot_status:sum", "http.status:sum", "U__http_2e_status:sum" },
        { "label with 😱", "label_with__", "label__with____", "label_with__", "U__label_20_with_20__1f631_" },
        { "花火", "__", "____", "__", "U___82b1__706b_" },
        { "label with \u0100", "label_with__", "label__with____", "label_with__", "U__label_20_with_20__100_" },
        // A leading digit is not legacy: escaped like any other character.
        { "0day", "_day", "__day", "_day", "U___30_day" },
        // The reference's example (prometheus-scrape.md 7.4).
        { "my.metric", "my_metric", "my_dot_metric", "my.metric", "U__my_2e_metric" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void EscapesAsPrometheus3(string input, string underscores, string dots, string dotsUnescaped, string values)
    {
        Assert.Equal(underscores, NameEscaping.EscapeAlways(input, NameEscapingScheme.Underscores));
        Assert.Equal(underscores, NameEscaping.Unescape(underscores, NameEscapingScheme.Underscores)); // not reversible: unchanged
        Assert.Equal(dots, NameEscaping.EscapeAlways(input, NameEscapingScheme.Dots));
        Assert.Equal(dotsUnescaped, NameEscaping.Unescape(dots, NameEscapingScheme.Dots));
        Assert.Equal(values, NameEscaping.EscapeAlways(input, NameEscapingScheme.Values));
        Assert.Equal(input, NameEscaping.Unescape(values, NameEscapingScheme.Values)); // values always round-trips
        Assert.Equal(input, NameEscaping.EscapeAlways(input, NameEscapingScheme.AllowUtf8));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void WritersLeaveLegacyNamesAloneAndEscapeTheRest(string input, string underscores, string dots, string dotsUnescaped, string values)
    {
        _ = dotsUnescaped;
        // As model.EscapeMetricFamily: only names that are not legacy metric names are escaped (so dots keeps "_").
        var legacy = input.Length == 0 || FedFunctions.Core.Model.LegacyNames.IsMetricName(input);
        Assert.Equal(legacy ? input : underscores, NameEscaping.Escape(input, NameEscapingScheme.Underscores));
        Assert.Equal(legacy ? input : dots, NameEscaping.Escape(input, NameEscapingScheme.Dots));
        Assert.Equal(legacy ? input : values, NameEscaping.Escape(input, NameEscapingScheme.Values));
        Assert.Same(input, NameEscaping.Escape(input, NameEscapingScheme.AllowUtf8));
        if (legacy)
        {
            // No copy for names that need no escaping: the writers allocate nothing for them.
            Assert.Same(input, NameEscaping.Escape(input, NameEscapingScheme.Values));
        }
    }

    // common's TestValueUnescapeErrors: malformed values-escaped names come back unchanged.
    [Theory]
    [InlineData("", "")]
    [InlineData("U__no:unescapingrequired", "no:unescapingrequired")]
    [InlineData("U__capitals_2E_ok", "capitals.ok")]
    [InlineData("U__underscores__doubled__", "underscores_doubled_")]
    [InlineData("U__underscores_doubled_", "U__underscores_doubled_")]
    [InlineData("U__underscores__doubled_", "U__underscores__doubled_")]
    [InlineData("U__my__hack_2e_attempt_872348732fabdabbab_", "U__my__hack_2e_attempt_872348732fabdabbab_")]
    [InlineData("U__my__hack_2e", "U__my__hack_2e")]
    [InlineData("U__bad__utf_2eg_", "U__bad__utf_2eg_")]
    [InlineData("U__bad__utf_D900_", "U__bad__utf_D900_")]
    [InlineData("no_prefix", "no_prefix")]
    public void ValuesUnescapingLeavesMalformedNamesAsTheyAre(string input, string expected)
    {
        Assert.Equal(expected, NameEscaping.Unescape(input, NameEscapingScheme.Values));
    }

    [Theory]
    [InlineData("allow-utf-8", NameEscapingScheme.AllowUtf8)]
    [InlineData("underscores", NameEscapingScheme.Underscores)]
    [InlineData("dots", NameEscapingScheme.Dots)]
    [InlineData("values", NameEscapingScheme.Values)]
    public void SpellingsRoundTrip(string spelling, NameEscapingScheme scheme)
    {
        Assert.True(NameEscaping.TryParse(spelling, out var parsed));
        Assert.Equal(scheme, parsed);
        Assert.Equal(spelling, NameEscaping.Spelling(scheme));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Values")]
    [InlineData("allow-utf8")]
    [InlineData("underscore")]
    public void UnknownSpellingsAreRejected(string? spelling)
    {
        Assert.False(NameEscaping.TryParse(spelling, out _));
    }

    [Theory]
    [InlineData("a.b", true, false, true, false)]
    [InlineData("a:b", true, true, true, false)]
    [InlineData("_a1", true, true, true, true)]
    [InlineData("1a", true, false, true, false)]
    [InlineData("", false, false, false, false)]
    [InlineData("花火", true, false, true, false)]
    public void ValidationSchemesJudgeNamesAlike(string name, bool utf8Metric, bool legacyMetric, bool utf8Label, bool legacyLabel) =>
        ValidationSchemesJudgeNames(name, utf8Metric, legacyMetric, utf8Label, legacyLabel);

    [Fact]
    public void ALoneSurrogateIsNotValidUtf8()
    {
        // Built at run time: test-case serialization would replace it before the test saw it.
        ValidationSchemesJudgeNames(new string('\ud800', 1), false, false, false, false);
    }

    private static void ValidationSchemesJudgeNames(string name, bool utf8Metric, bool legacyMetric, bool utf8Label, bool legacyLabel)
    {
        Assert.Equal(utf8Metric, NameEscaping.IsValidMetricName(name, NameValidationScheme.Utf8));
        Assert.Equal(legacyMetric, NameEscaping.IsValidMetricName(name, NameValidationScheme.Legacy));
        Assert.Equal(utf8Label, NameEscaping.IsValidLabelName(name, NameValidationScheme.Utf8));
        Assert.Equal(legacyLabel, NameEscaping.IsValidLabelName(name, NameValidationScheme.Legacy));
    }
}
