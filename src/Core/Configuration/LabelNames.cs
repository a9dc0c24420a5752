namespace FedFunctions.Core.Configuration;

/// <summary>LabelNames checks Prometheus' classic label name syntax <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
internal static class LabelNames
{
    /// <summary>IsValid is true for a non-empty name of letters, digits and underscores not starting with a digit.</summary>
    public static bool IsValid(string name)
    {
        if (string.IsNullOrEmpty(name) || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        }
        return true;
    }
}
