using FedFunctions.Core.Configuration;

namespace FedFunctions.Core.Scraping.Http;

/// <summary>HeadersHandler adds a job's <c>http_headers</c> (values and secrets, and files read at each request, trimmed).</summary>
internal sealed class HeadersHandler(IReadOnlyList<HeaderSetting> headers) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var header in headers)
        {
            var values = new List<string>(header.Values);
            foreach (var file in header.Files)
            {
                try
                {
                    values.Add(File.ReadAllText(file).Trim());
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new ScrapeFailedException($"unable to read header file {file} of http_headers \"{header.Name}\": {ex.Message}");
                }
            }
            // Added, not set: Prometheus appends to what the scrape already sends (e.g. Accept).
            foreach (var value in values) request.Headers.TryAddWithoutValidation(header.Name, value);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
