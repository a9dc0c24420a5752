namespace FedFunctions.Core.Selectors;

/// <summary>
/// SelectorParseException reports a <c>match[]</c> selector that does not parse, with Prometheus' message form
/// <c>L:C: parse error: &lt;msg&gt;</c> (1-based line, and column counted in UTF-8 bytes as Prometheus does).
/// </summary>
public sealed class SelectorParseException : FormatException
{
    /// <summary>Creates the exception for an error at <paramref name="line"/>:<paramref name="column"/>.</summary>
    public SelectorParseException(int line, int column, string detail)
        : base($"{line}:{column}: parse error: {detail}")
    {
        Line = line;
        Column = column;
        Detail = detail;
    }

    /// <summary>Line is the 1-based line of the offending item.</summary>
    public int Line { get; }

    /// <summary>Column is the 1-based column (in UTF-8 bytes) of the offending item.</summary>
    public int Column { get; }

    /// <summary>Detail is the message without its position prefix.</summary>
    public string Detail { get; }

    /// <summary>Creates the exception for an error at char index <paramref name="position"/> of <paramref name="input"/>.</summary>
    internal static SelectorParseException At(string input, int position, string detail)
    {
        position = Math.Clamp(position, 0, input.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (input[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        var column = System.Text.Encoding.UTF8.GetByteCount(input.AsSpan(lineStart, position - lineStart)) + 1;
        return new SelectorParseException(line, column, detail);
    }
}
