namespace FedFunctions.Core.Scraping;

/// <summary>ScraperOptions tunes a <see cref="Scraper"/>: how many targets run at once, how large a body may be, and the clock.</summary>
public sealed class ScraperOptions
{
    /// <summary>
    /// MaxConcurrency bounds how many targets are scraped at once, by <see cref="Scraper.ScrapeAllAsync"/> and by
    /// a scrape cycle over this scraper (default <see cref="DefaultMaxConcurrency"/>).
    /// </summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>DefaultMaxConcurrency is the default of <see cref="MaxConcurrency"/>: 32.</summary>
    public const int DefaultMaxConcurrency = 32;

    /// <summary>BodySizeLimitBytes fails a scrape whose uncompressed body is larger (default 64 MiB).</summary>
    public long BodySizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// InMemoryBodyBytes is how much of one body is held in memory while it is read (default 4 MiB); the rest
    /// goes to a temporary file until the body is complete and within its limit. It bounds what targets that
    /// answer too much cost: 32 over-limit targets at once hold about 32 × 4 MiB, not 32 × the limit.
    /// </summary>
    public int InMemoryBodyBytes { get; set; } = DefaultInMemoryBodyBytes;

    /// <summary>DefaultInMemoryBodyBytes is the default of <see cref="InMemoryBodyBytes"/>: 4 MiB.</summary>
    public const int DefaultInMemoryBodyBytes = 4 * 1024 * 1024;

    /// <summary>TimeProvider supplies scrape timestamps, durations and timeouts (tests pin it).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
