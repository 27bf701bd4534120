namespace Autopilot.Grains;

/// <summary>
/// A grain's persistent state as others may see it: only what storage has confirmed. <see cref="Commit"/> stores a new
/// (immutable) state; while the write is in flight, calls that interleave (a rep asking a customer for its facts) still
/// read the previous state, and if storage fails, the previous state stays: a failed write leaves no trace.
/// </summary>
public sealed class CommittedState<T>(IPersistentState<T> storage)
    where T : class
{
    private T? beforeWrite;

    /// <summary>The last state storage confirmed (the default state while the record does not exist).</summary>
    public T Value => beforeWrite ?? storage.State;

    /// <summary>Whether storage holds this record.</summary>
    public bool Exists => storage.RecordExists;

    public async Task Commit(T next)
    {
        var previous = storage.State;
        beforeWrite = previous;
        storage.State = next;
        try
        {
            await storage.WriteStateAsync();
        }
        catch
        {
            storage.State = previous;
            throw;
        }
        finally
        {
            beforeWrite = null;
        }
    }
}
