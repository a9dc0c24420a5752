namespace FedFunctions.Core.Exposition;

/// <summary>ExpositionFormat names the wire formats fed-functions reads and writes.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>).</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 text (<c>application/openmetrics-text</c>).</summary>
    OpenMetrics,

    /// <summary>
    /// Delimited protobuf <c>io.prometheus.client.MetricFamily</c> messages
    /// (<c>application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited</c>).
    /// </summary>
    PrometheusProtobuf,
}
