using FedFunctions.Core.Configuration;

namespace FedFunctions.Functions.Configuration;

/// <summary>ConfigProblem words a refused configuration for operators: the message (source and line) and the key at fault.</summary>
internal static class ConfigProblem
{
    /// <summary>The message of <paramref name="error"/>, with <c>[key: name]</c> added when the message does not already name the key.</summary>
    public static string Describe(ConfigException error) =>
        error.Key is { Length: > 0 } key && !error.Message.Contains(key, StringComparison.Ordinal) ? $"{error.Message} [key: {key}]" : error.Message;
}
