namespace FedFunctions.Core.Model;

/// <summary>
/// LabelsBuilder collects changes to a label set (set, delete) and produces a new <see cref="Labels"/>.
/// Setting a label to "" deletes it, as in Prometheus.
/// </summary>
public sealed class LabelsBuilder
{
    private readonly List<Label> _labels = new();

    /// <summary>Creates an empty builder.</summary>
    public LabelsBuilder() { }

    /// <summary>Creates a builder seeded with <paramref name="seed"/>.</summary>
    public LabelsBuilder(Labels seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        foreach (var label in seed.AsSpan()) _labels.Add(label);
    }

    /// <summary>The current value of <paramref name="name"/>, or "".</summary>
    public string Get(string name)
    {
        foreach (var label in _labels)
        {
            if (label.Name == name) return label.Value;
        }
        return "";
    }

    /// <summary>Sets (or, with an empty value, deletes) a label.</summary>
    public LabelsBuilder Set(string name, string value)
    {
        var index = _labels.FindIndex(l => l.Name == name);
        if (value.Length == 0)
        {
            if (index >= 0) _labels.RemoveAt(index);
        }
        else if (index >= 0) _labels[index] = new Label(name, value);
        else _labels.Add(new Label(name, value));
        return this;
    }

    /// <summary>Removes every label for which <paramref name="predicate"/> is true.</summary>
    public LabelsBuilder RemoveWhere(Predicate<Label> predicate)
    {
        _labels.RemoveAll(predicate);
        return this;
    }

    /// <summary>The labels currently held, unordered.</summary>
    public IReadOnlyList<Label> Current => _labels;

    /// <summary>Builds the sorted label set.</summary>
    public Labels Build() => Labels.FromList(new List<Label>(_labels));
}
