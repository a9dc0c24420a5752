using System.Globalization;
using CsCheck;
using FedFunctions.Core.Exposition;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Tests.Writing;

public class GoFloatTests
{
    // Go strconv.FormatFloat(f, 'g', -1, 64) outputs from the reference (§3.2), plus writeFloat's specials.
    public static TheoryData<double, string> GoTable => new()
    {
        { 1, "1" },
        { 0, "0" },
        { -0.0, "0" },
        { -1, "-1" },
        { double.NaN, "NaN" },
        { double.PositiveInfinity, "+Inf" },
        { double.NegativeInfinity, "-Inf" },
        { 10000, "10000" },
        { 100000, "100000" },
        { 123456, "123456" },
        { 999999, "999999" },
        { 1e6, "1e+06" },
        { 6e6, "6e+06" },
        { -2.5e6, "-2.5e+06" },
        { 1234567, "1.234567e+06" },
        { 12345678, "1.2345678e+07" },
        { 123456789, "1.23456789e+08" },
        { 123456.7, "123456.7" },
        { 1234567.8, "1.2345678e+06" },
        { 0.0001, "0.0001" },
        { 0.00012345, "0.00012345" },
        { 0.00001, "1e-05" },
        { 0.000012345, "1.2345e-05" },
        { 1.234, "1.234" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 1.458255915e9, "1.458255915e+09" },
        { 2.5e15, "2.5e+15" },
        { 5e-324, "5e-324" },
        { double.MaxValue, "1.7976931348623157e+308" },
        { 0.00022714099999999999, "0.00022714099999999999" },
        { 3.2541e-05, "3.2541e-05" },
        { 2.691944e+06, "2.691944e+06" },
        { 1e21, "1e+21" },
        { 1e100, "1e+100" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { -0.5, "-0.5" },
        { 0.1, "0.1" },
        { 100, "100" },
        { 120000.5, "120000.5" },
        { 999999.9, "999999.9" },
        { 9999999, "9.999999e+06" },
        { 1e16, "1e+16" },
        { 123456789012345680, "1.2345678901234568e+17" },
    };

    [Theory]
    [MemberData(nameof(GoTable))]
    public void FormatsLikeGo(double value, string expected)
    {
        Assert.Equal(expected, GoFloat.ToString(value));
        Span<byte> buffer = stackalloc byte[GoFloat.MaxLength];
        var n = GoFloat.Format(value, buffer);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(buffer[..n]));
    }

    [Theory]
    [InlineData(StaleNaN.StaleBits)]
    [InlineData(StaleNaN.NormalBits)]
    [InlineData(0xFFF8000000000000UL)]
    [InlineData(0x7FF0000000000001UL)]
    public void AnyNaNPayloadIsNaN(ulong bits) => Assert.Equal("NaN", GoFloat.ToString(BitConverter.UInt64BitsToDouble(bits)));

    [Fact]
    public void RejectsShortDestination() => Assert.Throws<ArgumentException>(() => GoFloat.Format(1.5, new byte[GoFloat.MaxLength - 1]));

    [Fact]
    public void RoundTripsAndFollowsGoLayout()
    {
        // Every finite double (raw bit patterns cover subnormals and extremes) parses back to the same bits.
        Gen.ULong.Select(BitConverter.UInt64BitsToDouble).Where(double.IsFinite).Sample(value =>
        {
            var text = GoFloat.ToString(value);
            var parsed = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.DoubleToUInt64Bits(parsed) == BitConverter.DoubleToUInt64Bits(value == 0 ? 0.0 : value),
                $"{value:R} -> {text} -> {parsed:R}");
            AssertLayout(value, text);
        }, iter: 20_000);
    }

    [Fact]
    public void DecimalLookingValuesFollowGoLayout()
    {
        // Values with few digits across the exponent boundaries (-5..7), where layout mistakes would show.
        Gen.Select(Gen.Int[-9_999_999, 9_999_999], Gen.Int[-12, 12]).Sample((mantissa, exponent) =>
        {
            var value = mantissa * Math.Pow(10, exponent);
            var text = GoFloat.ToString(value);
            Assert.Equal(BitConverter.DoubleToUInt64Bits(value == 0 ? 0.0 : value),
                BitConverter.DoubleToUInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)));
            AssertLayout(value, text);
        }, iter: 20_000);
    }

    private static void AssertLayout(double value, string text)
    {
        if (value == 0 || value == 1 || value == -1) return;
        var body = text.TrimStart('-');
        Assert.Equal(value < 0, text.StartsWith('-'));
        var e = body.IndexOf('e');
        // The shortest digits and the decimal exponent X of d.ddd × 10^X.
        var mantissa = e < 0 ? body : body[..e];
        var exponent = Math.Floor(Math.Log10(Math.Abs(value)));
        if (e >= 0)
        {
            var exp = body[(e + 1)..];
            Assert.True(exp[0] is '+' or '-', text);
            Assert.True(exp.Length >= 3, text); // sign and at least two digits
            var x = int.Parse(exp, CultureInfo.InvariantCulture);
            Assert.True(x < -4 || x >= 6, text);
            Assert.True(mantissa.Length == 1 || (mantissa[1] == '.' && mantissa[0] != '0' && !mantissa.EndsWith('0')), text);
        }
        else
        {
            Assert.True(exponent >= -5 && exponent <= 6, text); // log10 rounding can be off by one at the edges
            Assert.False(mantissa.EndsWith('.'), text);
            if (mantissa.Contains('.')) Assert.False(mantissa.EndsWith('0'), text);
        }
        Assert.True(mantissa.Replace(".", "").TrimStart('0').Length <= 17, text); // significant digits
    }
}
