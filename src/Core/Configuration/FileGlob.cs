using System.Text;
using System.Text.RegularExpressions;

namespace FedFunctions.Core.Configuration;

/// <summary>
/// FileGlob expands a <c>file_sd_configs</c> pattern as Go's <c>filepath.Glob</c> does for a pattern whose
/// wildcards are all in the file name: <c>*</c> (any run of characters), <c>?</c> (one character),
/// <c>[a-z]</c>/<c>[^a-z]</c> (classes) and <c>\</c> (escape). Wildcards in a folder are refused at load.
/// </summary>
internal static class FileGlob
{
    /// <summary>IsValid checks an absolute pattern; false with a reason when it cannot be used.</summary>
    public static bool IsValid(string pattern, out string reason)
    {
        var directory = Path.GetDirectoryName(pattern) ?? "";
        if (directory.IndexOfAny(['*', '?', '[']) >= 0)
        {
            reason = "wildcards are only supported in the file name, not in folders";
            return false;
        }
        if (ToRegex(Path.GetFileName(pattern)) is null)
        {
            reason = "syntax error in pattern";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>Expand returns the existing files matching <paramref name="pattern"/> in ordinal order (none when the folder is missing).</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        var name = Path.GetFileName(pattern);
        var directory = Path.GetDirectoryName(pattern) ?? "/";
        if (name.IndexOfAny(['*', '?', '[', '\\']) < 0)
            return File.Exists(pattern) ? [pattern] : [];
        var regex = ToRegex(name);
        if (regex is null || !Directory.Exists(directory)) return [];
        try
        {
            var matches = new List<string>();
            foreach (var path in Directory.EnumerateFiles(directory))
            {
                if (regex.IsMatch(Path.GetFileName(path))) matches.Add(path);
            }
            matches.Sort(StringComparer.Ordinal);
            return matches;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Go's Glob ignores I/O errors while listing: the folder is treated as empty.
            return [];
        }
    }

    // filepath.Match's grammar translated to an anchored regex; null for a malformed pattern (ErrBadPattern).
    private static Regex? ToRegex(string name)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            switch (c)
            {
                case '*': regex.Append("[^/]*"); break;
                case '?': regex.Append("[^/]"); break;
                case '\\':
                    if (++i >= name.Length) return null;
                    regex.Append(Regex.Escape(name[i].ToString()));
                    break;
                case '[':
                    if (!AppendClass(name, ref i, regex)) return null;
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    // A class starting at name[i] == '['; on return i is at its closing ']'.
    private static bool AppendClass(string name, ref int i, StringBuilder regex)
    {
        i++;
        regex.Append('[');
        if (i < name.Length && name[i] == '^')
        {
            regex.Append('^');
            i++;
        }
        var ranges = 0;
        while (true)
        {
            if (i >= name.Length) return false;
            if (name[i] == ']' && ranges > 0) break;
            if (!ReadChar(name, ref i, out var lo)) return false;
            var hi = lo;
            if (i < name.Length && name[i] == '-')
            {
                i++;
                if (!ReadChar(name, ref i, out hi) || hi < lo) return false;
            }
            regex.Append(Escape(lo)).Append('-').Append(Escape(hi));
            ranges++;
        }
        regex.Append(']');
        return true;

        static string Escape(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
    }

    // One class character: escaped or plain; '-' and ']' must be escaped (Go's getEsc).
    private static bool ReadChar(string name, ref int i, out char c)
    {
        c = '\0';
        if (i >= name.Length || name[i] is '-' or ']') return false;
        if (name[i] == '\\')
        {
            i++;
            if (i >= name.Length) return false;
        }
        c = name[i++];
        return true;
    }
}
