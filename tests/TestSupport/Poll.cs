namespace FedFunctions.TestSupport;

/// <summary>Poll retries a check until it holds or a bounded time runs out.</summary>
public static class Poll
{
    /// <summary>Calls <paramref name="check"/> every 200 ms until it returns a non-null value or <paramref name="timeout"/> passes.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> check, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await check() is { } value) return value;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                last = ex;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }
}
