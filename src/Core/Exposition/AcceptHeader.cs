using System.Globalization;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// AcceptHeader is the one parser of the comma-separated, quality-weighted lists of <c>Accept</c> and
/// <c>Accept-Encoding</c>: each clause is a value and <c>;name=value</c> parameters, of which <c>q</c> is the
/// quality (1 when absent; as in Go's goautoneg, a quality that does not parse counts as 0).
/// </summary>
public static class AcceptHeader
{
    /// <summary>
    /// Whether <paramref name="headers"/> (an <c>Accept-Encoding</c> header, possibly sent several times) accept
    /// <paramref name="coding"/>: the first clause naming it, or <c>*</c>, decides, and accepts unless its quality is 0.
    /// </summary>
    public static bool AcceptsEncoding(IEnumerable<string?> headers, string coding)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var header in headers)
        {
            if (header is null) continue;
            foreach (var clause in Parse(header))
            {
                if (clause.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) || clause.Value == "*") return clause.Q > 0;
            }
        }
        return false;
    }

    /// <summary>The clauses of <paramref name="header"/> in header order; clauses with an empty value are left out.</summary>
    internal static List<Clause> Parse(string header)
    {
        var clauses = new List<Clause>();
        foreach (var part in header.Split(','))
        {
            var pieces = part.Split(';');
            var value = pieces[0].Trim();
            if (value.Length == 0) continue;
            var q = 1.0;
            var parameters = new List<KeyValuePair<string, string>>(pieces.Length - 1);
            for (var i = 1; i < pieces.Length; i++)
            {
                var equals = pieces[i].IndexOf('=');
                if (equals < 0) continue;
                var name = pieces[i][..equals].Trim();
                var parameter = pieces[i][(equals + 1)..].Trim();
                if (name == "q") q = double.TryParse(parameter, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                else parameters.Add(new(name, parameter));
            }
            clauses.Add(new Clause(value, parameters, q, clauses.Count));
        }
        return clauses;
    }

    /// <summary>One clause: its value (a media range or a coding), its parameters other than <c>q</c>, its quality and its place in the header.</summary>
    internal sealed record Clause(string Value, IReadOnlyList<KeyValuePair<string, string>> Parameters, double Q, int Position);
}
