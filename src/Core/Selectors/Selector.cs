using FedFunctions.Core.Model;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// Selector is one parsed <c>match[]</c> value: the conjunction of its label matchers. As in Prometheus
/// federation, a selector without matchers (<c>{}</c>) matches nothing.
/// </summary>
public sealed class Selector
{
    private readonly LabelMatcher[] _matchers;

    internal Selector(string text, List<LabelMatcher> matchers)
    {
        Text = text;
        _matchers = [.. matchers];
        foreach (var m in _matchers)
        {
            if (m.Type == MatchType.Equal && m.Name == Label.MetricName)
            {
                MetricName = m.Value;
                break;
            }
        }
    }

    /// <summary>Matchers are the label matchers in source order; a name outside braces comes last as <c>__name__="x"</c>.</summary>
    public IReadOnlyList<LabelMatcher> Matchers => _matchers;

    /// <summary>MetricName is the value of the first <c>__name__="x"</c> matcher, if any (lets callers prune by name).</summary>
    public string? MetricName { get; }

    /// <summary>Text is the selector as given.</summary>
    public string Text { get; }

    /// <summary>Matches tells whether every matcher matches <paramref name="labels"/> (absent labels count as ""); false when there are no matchers.</summary>
    public bool Matches(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (_matchers.Length == 0) return false;
        foreach (var m in _matchers)
        {
            if (!m.Matches(labels.Get(m.Name))) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
