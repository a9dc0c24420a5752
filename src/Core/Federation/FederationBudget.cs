using System.Globalization;

namespace FedFunctions.Core.Federation;

/// <summary>
/// FederationBudget turns the federating server's patience into a storage budget: Prometheus sends
/// <c>X-Prometheus-Scrape-Timeout-Seconds</c> with every scrape, and an answer later than that is lost.
/// </summary>
public static class FederationBudget
{
    /// <summary>HeaderName is the request header Prometheus sends with its <c>scrape_timeout</c> in seconds.</summary>
    public const string HeaderName = "X-Prometheus-Scrape-Timeout-Seconds";

    /// <summary>DefaultMargin (0.5 s) is kept back from the caller's timeout for rendering and sending the answer.</summary>
    public static readonly TimeSpan DefaultMargin = TimeSpan.FromMilliseconds(500);

    /// <summary>MinimumBudget (0.1 s) is the least budget a header can ask for, so a tiny timeout still gets one attempt.</summary>
    public static readonly TimeSpan MinimumBudget = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// FromScrapeTimeoutHeader returns the header's seconds less <paramref name="margin"/> (default
    /// <see cref="DefaultMargin"/>), at least <see cref="MinimumBudget"/>; null when the header is absent or not a
    /// positive number, so the default budget applies.
    /// </summary>
    public static TimeSpan? FromScrapeTimeoutHeader(string? headerValue, TimeSpan? margin = null)
    {
        if (string.IsNullOrWhiteSpace(headerValue)) return null;
        if (!double.TryParse(headerValue.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ||
            !double.IsFinite(seconds) || seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return null;
        }
        var budget = TimeSpan.FromSeconds(seconds) - (margin ?? DefaultMargin);
        return budget < MinimumBudget ? MinimumBudget : budget;
    }
}
