namespace FedFunctions.Core.Scraping;

/// <summary>ScraperOptions tunes a <see cref="Scraper"/>: how many targets run at once, how large a body may be, and the clock.</summary>
public sealed class ScraperOptions
{
    /// <summary>MaxConcurrency bounds how many targets <see cref="Scraper.ScrapeAllAsync"/> scrapes at once (default 32).</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>BodySizeLimitBytes fails a scrape whose uncompressed body is larger (default 64 MiB).</summary>
    public long BodySizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>TimeProvider supplies scrape timestamps, durations and timeouts (tests pin it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
