using FedFunctions.Core.Exposition;

namespace FedFunctions.Core.Tests.Writing;

public sealed class AcceptHeaderTests
{
    [Theory]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("deflate, gzip;q=0.5", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip; q=0.0", false)]
    [InlineData("*", true)]
    [InlineData("*;q=0", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("br, deflate", false)]
    [InlineData("gzip;level=1;q=0", false)]
    [InlineData("gzip;q=oops", false)]
    [InlineData("", false)]
    public void AcceptsEncoding_TakesTheFirstClauseNamingTheCoding(string header, bool expected)
    {
        Assert.Equal(expected, AcceptHeader.AcceptsEncoding([header], "gzip"));
    }

    [Fact]
    public void AcceptsEncoding_ReadsEveryHeaderLine()
    {
        Assert.True(AcceptHeader.AcceptsEncoding([null, "br", "gzip"], "gzip"));
        Assert.False(AcceptHeader.AcceptsEncoding([], "gzip"));
    }

    [Fact]
    public void Parse_SplitsValuesParametersAndQuality()
    {
        var clauses = AcceptHeader.Parse(" text/plain ; version=0.0.4 ; q=0.3 ,, application/x;proto = p ;bad");

        Assert.Equal(2, clauses.Count);
        Assert.Equal("text/plain", clauses[0].Value);
        Assert.Equal(0.3, clauses[0].Q);
        Assert.Equal([new KeyValuePair<string, string>("version", "0.0.4")], clauses[0].Parameters);
        Assert.Equal("application/x", clauses[1].Value);
        Assert.Equal(1.0, clauses[1].Q);
        Assert.Equal([new KeyValuePair<string, string>("proto", "p")], clauses[1].Parameters);
        Assert.Equal(1, clauses[1].Position);
    }
}
