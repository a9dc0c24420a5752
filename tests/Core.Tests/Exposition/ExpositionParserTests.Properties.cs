using System.Text;
using CsCheck;
using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Exposition;

public partial class ExpositionParserTests
{
    private static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    [Fact]
    public void Property_EscapedLabelValues_RoundTripInBothFormats()
    {
        // Any valid Unicode value, escaped as the writers do, reads back unchanged.
        Gen.String[Gen.Char[(char)0, (char)0xD7FF], 0, 40].Sample(value =>
        {
            var line = $"m{{v=\"{EscapeLabelValue(value)}\"}} 1\n";
            var text = ExpositionParser.Parse(Encoding.UTF8.GetBytes(line), ExpositionFormat.PrometheusText);
            var om = ExpositionParser.Parse(Encoding.UTF8.GetBytes(line + "# EOF\n"), ExpositionFormat.OpenMetrics);
            Assert.Equal(value, text.Samples[0].Labels.Get("v"));
            Assert.Equal(value, om.Samples[0].Labels.Get("v"));
        });
    }

    [Fact]
    public void Property_FiniteDoubles_RoundTripThroughRoundTripFormatting()
    {
        Gen.Double.Where(double.IsFinite).Sample(value =>
        {
            var written = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            var parsed = ExpositionParser.Parse(Encoding.UTF8.GetBytes($"m {written}\n"), ExpositionFormat.PrometheusText).Samples[0].Value;
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(parsed));
        });
    }

    [Fact]
    public void Property_ArbitraryBytes_EitherParseOrThrowExpositionParseException()
    {
        // The parser must never fail with anything but its own exception, whatever the body.
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            foreach (var format in new[] { ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics })
            {
                try
                {
                    ExpositionParser.Parse(bytes, format);
                }
                catch (ExpositionParseException ex)
                {
                    Assert.True(ex.LineNumber >= 1);
                }
            }
        });
    }
}
