using Orleans.Storage;

namespace Autopilot.Grains;

/// <summary>
/// A grain's persistent state as others may see it: only what storage has confirmed. <see cref="Commit"/> stores a new
/// (immutable) state; while the write is in flight, calls that interleave (a rep asking a customer for its facts) still
/// read the previous state, and if storage fails, the previous state stays: a failed write leaves no trace.
/// <see cref="Current"/> is the fenced read: it proves against storage, read through <c>readStored</c>, that no other
/// activation has written since. A grain whose reads need no fence (the seed flag, idempotent) passes no reader.
/// </summary>
/// <param name="storage">The grain's persistent state, which the writes go through.</param>
/// <param name="readStored">Reads the stored version for the fenced read; none for a state whose reads need no fence.</param>
/// <param name="fenceWithin">For tests: how long the fenced read waits for storage, instead of <see cref="FenceWithin"/>.</param>
/// <param name="readVersion">
/// Reads only the stored version, where the store can (<see cref="IStoredVersions"/>): the fenced read then reads the record
/// only when the version is not the one this activation confirmed.
/// </param>
public sealed class CommittedState<T>(
    IPersistentState<T> storage,
    Func<Task<StoredCopy<T>>>? readStored = null,
    TimeSpan? fenceWithin = null,
    Func<Task<StoredVersion>>? readVersion = null)
    where T : class
{
    // What storage confirmed, while a write is in flight: its state, whether the record existed and its version. Storage may
    // count the record as existing before the write's continuation runs here, and a read that interleaves then must not see
    // a record that exists with the default state (a customer with no location: issue 19's chaos run caught it).
    private (T State, bool Exists, string? Etag)? beforeWrite;

    /// <summary>The last state storage confirmed (the default state while the record does not exist).</summary>
    public T Value => Confirmed.State;

    /// <summary>Whether storage holds this record, as last confirmed.</summary>
    public bool Exists => Confirmed.Exists;

    private (T State, bool Exists, string? Etag) Confirmed => beforeWrite ?? (storage.State, storage.RecordExists, storage.Etag);

    /// <summary>
    /// How long the fenced read waits for storage (<c>Deadlines.StorageFence</c> in Hosting, which the deadlines test pins):
    /// it and the link's confirmation fit well inside a read's own timeout.
    /// </summary>
    public static readonly TimeSpan FenceWithin = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The confirmed state and whether the record exists, proven current: storage still holds the version this activation
    /// confirmed (or the write it has in flight, not yet acknowledged). A read answers from memory only after that check, so
    /// it is linearizable at the moment storage answered. Without it, an activation left behind on a silo its peers declared
    /// dead (a one-way cut: it still hears them and the gateways still reach it) answered reads with a state that the new
    /// activation elsewhere had already overwritten (issue 19's stale read). When another activation has written, this one
    /// is superseded: <see cref="InconsistentStateException"/> makes Orleans deactivate it, and the next call reads afresh.
    /// <para>
    /// When storage does not answer within <see cref="FenceWithin"/> (down, or cut off from this silo), the read answers the
    /// confirmed state unfenced, as reads did before the fence: reads of active records go on through a storage outage.
    /// Such an answer is stale only if another activation wrote meanwhile, which needs storage and a membership change that
    /// moved the record while this silo still answers; a silo cut off from its peers stops being a gateway first
    /// (<c>SiloReadyCheck</c>), and no write is acknowledged anywhere while storage is down.
    /// </para>
    /// </summary>
    public async Task<(T State, bool Exists)> Current()
    {
        var read = readStored ?? throw new InvalidOperationException("This state was made without a reader of storage: it has no fenced read.");
        var confirmed = Confirmed;
        var inFlight = beforeWrite is null ? null : storage.State;
        if (readVersion is not null)
        {
            // The version alone proves the common case, that storage holds what this activation confirmed, at a fraction of
            // a record's read. Any other version (this activation's write landing, or another activation's) is told apart
            // by the record itself, below.
            StoredVersion? version;
            try
            {
                version = await Bounded.Within(readVersion(), fenceWithin ?? FenceWithin);
            }
            catch (Exception)
            {
                version = null;
            }

            if (version is null)
            {
                // As below: storage did not answer in time or failed, and the read is not fenced.
                return (confirmed.State, confirmed.Exists);
            }

            if (version.Etag == confirmed.Etag)
            {
                return (confirmed.State, confirmed.Exists);
            }

            var since = Confirmed;
            if (version.Etag == since.Etag)
            {
                return (since.State, since.Exists);
            }
        }

        StoredCopy<T>? stored;
        try
        {
            stored = await Bounded.Within(read(), fenceWithin ?? FenceWithin);
        }
        catch (Exception)
        {
            // Storage failed (no connection, the provider's own error): the version could not be compared.
            stored = null;
        }

        if (stored is null)
        {
            // Storage did not answer in time or failed: the read is not fenced, and answers as reads did before the fence.
            return (confirmed.State, confirmed.Exists);
        }

        if (Holds(stored, confirmed.Etag, inFlight))
        {
            return (confirmed.State, confirmed.Exists);
        }

        // Reads interleave with this activation's own writes: one that began or ended while storage was being read is not
        // another activation's. Compared with what this activation holds now, the stored version is its own, and storage
        // held it within the read's span. (Compared only with the start, a rep's read beside its own ClientTaken write
        // was refused as superseded: a test caught it.)
        var now = Confirmed;
        if (Holds(stored, now.Etag, beforeWrite is null ? null : storage.State))
        {
            return (now.State, now.Exists);
        }

        throw new InconsistentStateException(
            $"This activation's copy of the record is superseded: storage holds version {stored.Etag ?? "none"}, this activation " +
            $"{confirmed.Etag ?? "none"}. Another activation wrote it, or a write reported as failed was stored; the next call reads it afresh.",
            stored.Etag,
            confirmed.Etag);
    }

    // Whether storage holds the version confirmed as etag, or the state of this activation's write in flight.
    private static bool Holds(StoredCopy<T> stored, string? etag, T? inFlight) =>
        stored.Etag == etag || (inFlight is not null && stored.Exists && EqualityComparer<T>.Default.Equals(stored.State, inFlight));

    public async Task Commit(T next)
    {
        var previous = storage.State;
        beforeWrite = Confirmed;
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
