namespace Autopilot.Grains;

/// <summary>
/// A grain's persistent state as others may see it: only what storage has confirmed. <see cref="Commit"/> stores a new
/// (immutable) state; while the write is in flight, calls that interleave (a rep asking a customer for its facts) still
/// read the previous state, and if storage fails, the previous state stays: a failed write leaves no trace.
/// </summary>
public sealed class CommittedState<T>(IPersistentState<T> storage)
    where T : class
{
    // What storage confirmed, while a write is in flight: its state and whether the record existed. Storage may count the
    // record as existing before the write's continuation runs here, and a read that interleaves then must not see a
    // record that exists with the default state (a customer with no location: issue 19's chaos run caught it).
    private (T State, bool Exists)? beforeWrite;

    /// <summary>The last state storage confirmed (the default state while the record does not exist).</summary>
    public T Value => beforeWrite is { } confirmed ? confirmed.State : storage.State;

    /// <summary>Whether storage holds this record, as last confirmed.</summary>
    public bool Exists => beforeWrite is { } confirmed ? confirmed.Exists : storage.RecordExists;

    public async Task Commit(T next)
    {
        var previous = storage.State;
        beforeWrite = (previous, storage.RecordExists);
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
