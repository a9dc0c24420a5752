using Azure;

namespace FedFunctions.Core.Storage;

public sealed partial class SnapshotStore
{
    // One re-creation at a time; the generation tells writers that failed together that it was already done.
    private readonly SemaphoreSlim _recreating = new(1, 1);
    private int _generation;

    /// <summary>MissingStorage names what a 404 says is gone ("table", "blob container"), or null for any other failure.</summary>
    private static string? MissingStorage(Exception ex) => ex is RequestFailedException { Status: 404 } r
        ? r.ErrorCode switch
        {
            "TableNotFound" => "table",
            "ContainerNotFound" => "blob container",
            _ => null,
        }
        : null;

    /// <summary>
    /// RecreateAsync creates the table and the container again after a write found <paramref name="missing"/>
    /// gone. Writers that failed at the same time (they saw <paramref name="seenGeneration"/>) share one
    /// re-creation, so it is reported once. The ETag cache is emptied: the entities it knew are gone.
    /// </summary>
    private async Task RecreateAsync(int seenGeneration, string missing, CancellationToken cancellationToken)
    {
        await _recreating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _generation) != seenGeneration) return;
            _created = false;
            _known.Clear();
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _created = true;
            Interlocked.Increment(ref _generation);
            _observer?.StorageRecreated($"the {missing} was missing: created table \"{_table.Name}\" and container \"{_container.Name}\" again");
        }
        finally
        {
            _recreating.Release();
        }
    }
}
