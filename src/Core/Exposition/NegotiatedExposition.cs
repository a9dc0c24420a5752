using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

/// <summary>AnswerFormat names the wire formats a <c>/federate</c> answer can be written in.</summary>
public enum AnswerFormat
{
    /// <summary>Text 0.0.4 (<see cref="PrometheusTextWriter"/>).</summary>
    Text,

    /// <summary>Delimited protobuf <c>MetricFamily</c> messages (<see cref="PrometheusProtobufWriter"/>).</summary>
    Protobuf,
}

/// <summary>
/// NegotiatedExposition is what <see cref="ExpositionNegotiation.Negotiate"/> decided for one request: the
/// format, how names are escaped, and the exact Content-Type that tells the client both.
/// </summary>
/// <param name="Format">The wire format to write.</param>
/// <param name="Escaping">The escaping the writers apply to metric and label names.</param>
/// <param name="ContentType">The Content-Type of the answer, e.g. <c>text/plain; version=0.0.4; charset=utf-8; escaping=underscores</c>.</param>
public sealed record NegotiatedExposition(AnswerFormat Format, NameEscapingScheme Escaping, string ContentType);
