using FedFunctions.Core.Model;

namespace FedFunctions.Core.Selectors;

/// <summary>
/// Selector is one parsed <c>match[]</c> value: the conjunction of its label matchers. As in Prometheus
/// federation, a selector without matchers (<c>{}</c>) matches nothing.
/// </summary>
public sealed class Selector
{
    private readonly LabelMatcher[] _matchers;
    private readonly LabelMatcher[] _matchersBesidesName;

    internal Selector(string text, List<LabelMatcher> matchers)
    {
        Text = text;
        _matchers = [.. matchers];
        _matchersBesidesName = _matchers;
        for (var i = 0; i < _matchers.Length; i++)
        {
            if (_matchers[i].Type == MatchType.Equal && _matchers[i].Name == Label.MetricName)
            {
                MetricName = _matchers[i].Value;
                _matchersBesidesName = [.. _matchers[..i], .. _matchers[(i + 1)..]];
                break;
            }
        }
    }

    /// <summary>Matchers are the label matchers in source order; a name outside braces comes last as <c>__name__="x"</c>.</summary>
    public IReadOnlyList<LabelMatcher> Matchers => _matchers;

    /// <summary>MetricName is the value of the first <c>__name__="x"</c> matcher, if any (lets callers prune by name).</summary>
    public string? MetricName { get; }

    /// <summary>The matchers besides the <c>__name__="x"</c> that gave <see cref="MetricName"/> (all of them when there is none).</summary>
    internal ReadOnlySpan<LabelMatcher> MatchersBesidesName => _matchersBesidesName;

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

    /// <summary>
    /// Matches for labels already known to carry the name <see cref="MetricName"/> (a caller that looked samples up
    /// by name): only the other matchers are checked, so a bare name such as <c>node_load1</c> checks nothing.
    /// </summary>
    internal bool MatchesNamed(Labels labels)
    {
        foreach (var m in _matchersBesidesName)
        {
            if (!m.Matches(labels.Get(m.Name))) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
