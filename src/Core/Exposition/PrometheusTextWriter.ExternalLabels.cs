using FedFunctions.Core.Model;

namespace FedFunctions.Core.Exposition;

public static partial class PrometheusTextWriter
{
    /// <summary>ExternalLabelBytes holds the external labels' names and their <c>name="value"</c> bytes, encoded once per call.</summary>
    private sealed class ExternalLabelBytes
    {
        private static readonly ExternalLabelBytes Empty = new([], [], 0);

        private ExternalLabelBytes(string[] names, byte[][] pairs, int totalLength)
        {
            Names = names;
            Pairs = pairs;
            TotalLength = totalLength;
        }

        /// <summary>The names, sorted.</summary>
        public string[] Names { get; }

        /// <summary>The encoded pair for each name.</summary>
        public byte[][] Pairs { get; }

        /// <summary>The bytes needed to write every pair, with separators.</summary>
        public int TotalLength { get; }

        public static ExternalLabelBytes Create(Labels labels)
        {
            if (labels.Count == 0) return Empty;
            var names = new string[labels.Count];
            var pairs = new byte[labels.Count][];
            var total = 0;
            var scratch = new byte[labels.AsSpan().ToArray().Max(l => 6 + 3 * (l.Name.Length + l.Value.Length))];
            for (var i = 0; i < labels.Count; i++)
            {
                var label = labels[i];
                names[i] = label.Name;
                var length = WriteLabelPair(label, scratch);
                pairs[i] = scratch[..length];
                total += length + 1;
            }
            return new ExternalLabelBytes(names, pairs, total);
        }
    }
}
