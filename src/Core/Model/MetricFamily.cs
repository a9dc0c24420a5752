namespace FedFunctions.Core.Model;

/// <summary>
/// MetricFamily is a group of samples written under one <c># TYPE</c>/<c># HELP</c> header, in the order
/// they are to be written. For histograms and summaries the samples carry the suffixed names
/// (<c>_bucket</c>, <c>_sum</c>, <c>_count</c>) while <see cref="Name"/> is the family name.
/// </summary>
public sealed record MetricFamily(string Name, MetricType Type, string Help, string Unit, IReadOnlyList<Sample> Samples);
