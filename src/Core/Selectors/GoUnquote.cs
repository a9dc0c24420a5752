using System.Text;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// GoUnquote turns a string item the lexer already validated into its value, as Prometheus'
/// <c>strutil.Unquote</c>: Go escapes in <c>"…"</c> and <c>'…'</c>, none in <c>`…`</c>. Like Go, <c>\xNN</c>
/// and octal escapes produce raw bytes, so <c>"\xc3\xa9"</c> is <c>é</c>; invalid UTF-8 becomes U+FFFD.
/// </summary>
internal static class GoUnquote
{
    public static string Unquote(string quoted)
    {
        var quote = quoted[0];
        var body = quoted.AsSpan(1, quoted.Length - 2);
        if (quote == '`' || body.IndexOf('\\') < 0) return body.ToString();

        var bytes = new List<byte>(body.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        var end = quoted.Length - 1;
        for (var i = 1; i < end;)
        {
            if (quoted[i] != '\\')
            {
                AppendRune(bytes, GoText.ReadRune(quoted, ref i), utf8);
                continue;
            }
            var e = quoted[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case 'x': bytes.Add((byte)Hex(quoted.AsSpan(i, 2))); i += 2; break;
                case 'u': AppendRune(bytes, Hex(quoted.AsSpan(i, 4)), utf8); i += 4; break;
                case 'U': AppendRune(bytes, Hex(quoted.AsSpan(i, 8)), utf8); i += 8; break;
                case >= '0' and <= '7':
                    bytes.Add((byte)(((e - '0') << 6) | ((quoted[i] - '0') << 3) | (quoted[i + 1] - '0')));
                    i += 2;
                    break;
                default: bytes.Add((byte)e); break; // \\, \" or \'
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static void AppendRune(List<byte> bytes, int rune, Span<byte> buffer)
    {
        var n = new Rune(rune).EncodeToUtf8(buffer);
        for (var k = 0; k < n; k++) bytes.Add(buffer[k]);
    }

    private static int Hex(ReadOnlySpan<char> digits)
    {
        var x = 0;
        foreach (var d in digits) x = (x << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        return x;
    }
}
