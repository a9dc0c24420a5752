using FedFunctions.Core.Model;

namespace FedFunctions.Core.Scraping;

/// <summary>
/// TargetLabelMerger attaches target labels to a scraped series as Prometheus' <c>mutateSampleLabels</c>:
/// with <c>honor_labels</c> the scraped value wins; without it the target value wins and a clashing scraped
/// value moves to <c>exported_&lt;name&gt;</c>. Both inputs are sorted, so the common case is one merge
/// into one array. <see cref="Labels"/> holds no empty values, so a scraped <c>instance=""</c> is only
/// visible through <c>explicitlyEmpty</c>: with honor_labels it keeps the target's label off the series.
/// </summary>
internal static class TargetLabelMerger
{
    private const string ExportedPrefix = "exported_";

    public static Labels Merge(Labels scraped, Labels target, bool honorLabels, IReadOnlyCollection<string>? explicitlyEmpty = null)
    {
        if (target.Count == 0) return scraped;
        if (honorLabels && explicitlyEmpty is { Count: > 0 })
        {
            // Prometheus' Has() is true for an empty scraped value: the target label is not set.
            var builder = new LabelsBuilder(scraped);
            foreach (var label in target.AsSpan())
            {
                if (!scraped.Has(label.Name) && !explicitlyEmpty.Contains(label.Name)) builder.Set(label.Name, label.Value);
            }
            return builder.Build();
        }
        var s = scraped.AsSpan();
        var t = target.AsSpan();
        var merged = new Label[s.Length + t.Length];
        int i = 0, j = 0, n = 0;
        var conflicts = false;
        while (i < s.Length || j < t.Length)
        {
            var cmp = i == s.Length ? 1 : j == t.Length ? -1 : string.CompareOrdinal(s[i].Name, t[j].Name);
            if (cmp < 0) merged[n++] = s[i++];
            else if (cmp > 0) merged[n++] = t[j++];
            else
            {
                if (honorLabels) merged[n++] = s[i];
                else
                {
                    merged[n++] = t[j];
                    conflicts = true; // the scraped value is non-empty (Labels holds no empty values)
                }
                i++;
                j++;
            }
        }
        if (!conflicts)
        {
            if (n != merged.Length) Array.Resize(ref merged, n);
            return Labels.FromSortedUnchecked(merged);
        }
        return ResolveConflicts(scraped, target);
    }

    // The rare path: rename clashing scraped labels to exported_<name>, shorter names first, adding
    // more prefixes while the name is taken by a scraped, target or earlier exported label.
    private static Labels ResolveConflicts(Labels scraped, Labels target)
    {
        var builder = new LabelsBuilder(scraped);
        var conflicting = new List<Label>();
        foreach (var label in target.AsSpan())
        {
            var existing = scraped.Get(label.Name);
            if (existing.Length > 0) conflicting.Add(new Label(label.Name, existing));
            builder.Set(label.Name, label.Value);
        }
        var ordered = conflicting.OrderBy(l => l.Name.Length).ToList(); // stable, as sort.SliceStable
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conflict in ordered)
        {
            var name = conflict.Name;
            do
            {
                name = ExportedPrefix + name;
            }
            while (scraped.Has(name) || target.Has(name) || taken.Contains(name));
            taken.Add(name);
            builder.Set(name, conflict.Value);
        }
        return builder.Build();
    }
}
