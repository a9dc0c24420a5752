namespace FedFunctions.Core.Scraping;

/// <summary>ScrapeFailedException carries the reason a target's scrape failed inside the scraper; it never escapes it.</summary>
internal sealed class ScrapeFailedException(string message, Exception? inner = null) : Exception(message, inner);
