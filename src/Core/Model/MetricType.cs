namespace FedFunctions.Core.Model;

/// <summary>MetricType is the TYPE of a metric family, covering text 0.0.4 and OpenMetrics 1.0.</summary>
public enum MetricType : byte
{
    /// <summary><c>untyped</c> in text 0.0.4, <c>unknown</c> in OpenMetrics.</summary>
    Unknown = 0,
    Counter = 1,
    Gauge = 2,
    Histogram = 3,
    Summary = 4,
    GaugeHistogram = 5,
    Info = 6,
    StateSet = 7,
}
