namespace FedFunctions.Core.Exposition;

/// <summary>
/// ExpositionParseException reports a scrape body that is not valid text 0.0.4 / OpenMetrics, or a
/// Content-Type no parser reads. One malformed line fails the whole body, as a Prometheus scrape does.
/// </summary>
public sealed class ExpositionParseException : FormatException
{
    /// <summary>Creates the exception with a message that already names the position.</summary>
    /// <param name="message">What went wrong, e.g. <c>line 12: expected label value, got "x" while parsing: "..."</c>.</param>
    /// <param name="lineNumber">The 1-based line of the failing record, or 0 when the error is not tied to a line.</param>
    public ExpositionParseException(string message, int lineNumber)
        : base(message)
    {
        LineNumber = lineNumber;
    }

    /// <summary>LineNumber is the 1-based line where the failing record starts, or 0 when not tied to a line.</summary>
    public int LineNumber { get; }
}
