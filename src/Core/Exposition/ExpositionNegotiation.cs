using System.Globalization;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionNegotiation picks the format and name escaping of a <c>/federate</c> answer from the request's
/// <c>Accept</c> header as Prometheus 3 does (prometheus/common v0.70 <c>expfmt.Negotiate</c>, never
/// OpenMetrics): the clauses are taken by quality, highest first, and the first that names delimited
/// protobuf <c>MetricFamily</c> messages or text 0.0.4 wins; anything else, or no header at all, gets text
/// 0.0.4. The escaping is the last valid <c>escaping=</c> parameter among the clauses looked at up to the
/// chosen one (all of them when none is chosen), <c>underscores</c> when there is none, so a legacy client
/// never receives a name it cannot parse.
/// </summary>
public static class ExpositionNegotiation
{
    /// <summary>TextContentType is the content type of a text 0.0.4 answer, without the escaping parameter.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>ProtobufContentType is the content type of a delimited protobuf answer, without the escaping parameter.</summary>
    public const string ProtobufContentType = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    private const string ProtobufMediaType = "application/vnd.google.protobuf";
    private const string MetricFamilyProto = "io.prometheus.client.MetricFamily";

    // The Content-Types per format and escaping, built once: negotiation allocates no answer string.
    private static readonly string[] TextContentTypes = ContentTypes(TextContentType);
    private static readonly string[] ProtobufContentTypes = ContentTypes(ProtobufContentType);
    private static readonly NegotiatedExposition[] Answers =
    [
        .. Enum.GetValues<NameEscapingScheme>().Select(e => new NegotiatedExposition(AnswerFormat.Text, e, TextContentTypes[(int)e])),
        .. Enum.GetValues<NameEscapingScheme>().Select(e => new NegotiatedExposition(AnswerFormat.Protobuf, e, ProtobufContentTypes[(int)e])),
    ];

    /// <summary>DefaultEscaping is the escaping of an answer whose request names none (<c>model.NameEscapingScheme</c>).</summary>
    public const NameEscapingScheme DefaultEscaping = NameEscapingScheme.Underscores;

    /// <summary>
    /// Negotiate decides the answer to a request with <paramref name="accept"/> as its <c>Accept</c> header
    /// (several values joined with commas; null or blank when it had none).
    /// </summary>
    public static NegotiatedExposition Negotiate(string? accept)
    {
        var escaping = DefaultEscaping;
        var format = AnswerFormat.Text;
        if (!string.IsNullOrWhiteSpace(accept))
        {
            foreach (var clause in Parse(accept))
            {
                // Every clause looked at may set the escaping, whether or not its format is chosen.
                if (NameEscaping.TryParse(clause.Escaping, out var asked)) escaping = asked;
                if (clause.MediaType == ProtobufMediaType)
                {
                    // Other protobuf encodings (text, compact-text) are debug formats we do not offer: keep looking.
                    if (clause.Proto == MetricFamilyProto && clause.Encoding == "delimited")
                    {
                        format = AnswerFormat.Protobuf;
                        break;
                    }
                    continue;
                }
                if (clause.MediaType == "text/plain" && (clause.Version is null || clause.Version == "0.0.4")) break;
            }
        }
        return Answers[(format == AnswerFormat.Protobuf ? ProtobufContentTypes.Length : 0) + (int)escaping];
    }

    private static string[] ContentTypes(string baseType) =>
        [.. Enum.GetValues<NameEscapingScheme>().Select(e => baseType + "; escaping=" + NameEscaping.Spelling(e))];

    /// <summary>Splits the header into clauses (<see cref="AcceptHeader.Parse"/>), ordered as <c>goautoneg.ParseAccept</c> orders them.</summary>
    private static List<Clause> Parse(string accept)
    {
        var clauses = new List<Clause>();
        foreach (var parsed in AcceptHeader.Parse(accept))
        {
            var range = parsed.Value.Split('/');
            string type, subtype;
            if (range.Length == 1 && range[0] == "*")
            {
                type = "*";
                subtype = "*";
            }
            else if (range.Length == 2)
            {
                type = range[0].Trim();
                subtype = range[1].Trim();
            }
            else
            {
                continue;
            }

            var clause = new Clause(type, subtype, clauses.Count) { Q = parsed.Q };
            foreach (var (name, value) in parsed.Parameters)
            {
                switch (name)
                {
                    case "proto":
                        clause.Proto = value;
                        break;
                    case "encoding":
                        clause.Encoding = value;
                        break;
                    case "version":
                        clause.Version = value;
                        break;
                    case "escaping":
                        clause.Escaping = value;
                        break;
                }
            }
            clauses.Add(clause);
        }
        // Highest quality first; at equal quality concrete types before wildcards; otherwise header order.
        clauses.Sort(static (a, b) =>
        {
            var c = b.Q.CompareTo(a.Q);
            if (c != 0) return c;
            c = Wild(a.Type).CompareTo(Wild(b.Type));
            if (c != 0) return c;
            c = Wild(a.Subtype).CompareTo(Wild(b.Subtype));
            return c != 0 ? c : a.Position.CompareTo(b.Position);
        });
        return clauses;

        static int Wild(string part) => part == "*" ? 1 : 0;
    }

    private sealed class Clause(string type, string subtype, int position)
    {
        public string Type { get; } = type;
        public string Subtype { get; } = subtype;
        public int Position { get; } = position;
        public string MediaType { get; } = type + "/" + subtype;
        public double Q { get; set; } = 1;
        public string? Proto { get; set; }
        public string? Encoding { get; set; }
        public string? Version { get; set; }
        public string? Escaping { get; set; }
    }
}
