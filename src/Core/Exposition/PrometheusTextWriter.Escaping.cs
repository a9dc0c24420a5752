using System.Buffers;
using System.Text.Unicode;
using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusTextWriter
{
    /// <summary>TextEscaping holds the escapes of the 0.0.4 text format.</summary>
    private static class TextEscaping
    {
        /// <summary>Characters escaped in label values and quoted names.</summary>
        public static readonly SearchValues<char> LabelValueSpecials = LabelValueEscaping.Specials;

        /// <summary>Characters escaped in HELP text (0.0.4 does not escape quotes there).</summary>
        public static readonly SearchValues<char> HelpSpecials = SearchValues.Create("\\\n");

        /// <summary>Copies a string known to be ASCII.</summary>
        public static int WriteAscii(string text, Span<byte> destination)
        {
            Utf8.FromUtf16(text, destination, out _, out var written);
            return written;
        }

        /// <summary>
        /// Writes <paramref name="text"/> as UTF-8, escaping <c>\</c> as <c>\\</c>, newline as <c>\n</c> and
        /// <c>"</c> as <c>\"</c> when it is one of <paramref name="specials"/>. Needs 3 bytes per char at most.
        /// </summary>
        public static int WriteEscaped(string text, Span<byte> destination, SearchValues<char> specials)
        {
            var rest = text.AsSpan();
            var n = 0;
            while (true)
            {
                var index = rest.IndexOfAny(specials);
                var chunk = index < 0 ? rest : rest[..index];
                // Lone surrogates become U+FFFD (3 bytes), within the 3-bytes-per-char budget.
                Utf8.FromUtf16(chunk, destination[n..], out _, out var written, replaceInvalidSequences: true);
                n += written;
                if (index < 0) return n;
                destination[n++] = (byte)'\\';
                destination[n++] = (byte)LabelValueEscaping.EscapeLetter(rest[index]);
                rest = rest[(index + 1)..];
            }
        }
    }
}
