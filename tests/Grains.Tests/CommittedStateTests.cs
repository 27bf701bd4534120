using Autopilot.Contracts;
using Orleans.Storage;

namespace Autopilot.Grains.Tests;

/// <summary>
/// While a write is in flight, a read sees only what storage confirmed: the state and whether the record exists. The
/// fenced read answers only while storage still holds that version, or the write in flight.
/// </summary>
[Trait("Category", "unit")]
public sealed class CommittedStateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_fenced_read_answers_while_storage_holds_the_version_it_confirmed(bool versions)
    {
        var storage = new GatedStorage();
        var stored = new StoredRecords();
        var state = Fenced(storage, stored, versions);
        Assert.False((await state.Current()).Exists);

        var writing = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await writing;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);

        var (current, exists) = await state.Current();
        Assert.True(exists);
        Assert.Equal("Atlanta", current.Location);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_fenced_read_refuses_once_another_activation_wrote_a_newer_version(bool versions)
    {
        var storage = new GatedStorage();
        var stored = new StoredRecords();
        var state = Fenced(storage, stored, versions);
        var writing = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await writing;

        // The activation that took over elsewhere stored Boston; this one still holds Atlanta.
        stored.Now = new StoredCopy<CustomerState>("elsewhere-1", true, new CustomerState { Location = "Boston" });

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => state.Current());
        Assert.Equal("elsewhere-1", e.StoredEtag);
        Assert.Equal(storage.Etag, e.CurrentEtag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_fenced_read_refuses_a_record_another_activation_created(bool versions)
    {
        var stored = new StoredRecords { Now = new StoredCopy<CustomerState>("elsewhere-1", true, new CustomerState { Location = "Boston" }) };
        var state = Fenced(new GatedStorage(), stored, versions);

        await Assert.ThrowsAsync<InconsistentStateException>(() => state.Current());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task During_its_own_write_that_storage_already_holds_the_fenced_read_answers_the_confirmed_state(bool versions)
    {
        var storage = new GatedStorage();
        var stored = new StoredRecords();
        var state = Fenced(storage, stored, versions);
        var first = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await first;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);

        storage.Reset();
        var second = state.Commit(new CustomerState { Location = "Boston" });
        await storage.Writing.Task;
        stored.Now = new StoredCopy<CustomerState>("landed", true, new CustomerState { Location = "Boston" });

        Assert.Equal("Atlanta", (await state.Current()).State.Location); // not yet acknowledged: the read may precede it

        // A different value under a new version is someone else's write, even while this one is in flight.
        stored.Now = new StoredCopy<CustomerState>("elsewhere-2", true, new CustomerState { Location = "Chicago" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => state.Current());
        storage.Done.SetResult();
        await second;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_read_that_interleaves_with_this_activations_own_write_is_not_refused_as_superseded(bool versions)
    {
        var storage = new GatedStorage();
        var stored = new StoredRecords();
        // Storage answers when the test says, within the generous bound of a loaded machine (past it the read is unfenced).
        var state = Fenced(storage, stored, versions, TimeSpan.FromMinutes(1));
        var first = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await first;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);

        // The read is sent with no write in flight; storage answers only after this activation's next write began.
        stored.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = state.Current();
        storage.Reset();
        var second = state.Commit(new CustomerState { Location = "Boston" });
        await storage.Writing.Task;
        stored.Now = new StoredCopy<CustomerState>("landed", true, new CustomerState { Location = "Boston" });
        stored.Gate.SetResult();
        Assert.Equal("Atlanta", (await reading).State.Location); // the write is not yet acknowledged

        // Sent while that write is in flight and answered once it has ended: the read overlaps the write, and either state is
        // linearizable. Read whole, the record is the write in flight, and the read answers the state before it; read by its
        // version, the version is the one this activation confirmed by then, and the read answers that write's state.
        stored.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        reading = state.Current();
        storage.Done.SetResult();
        await second;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);
        stored.Gate.SetResult();
        Assert.Equal(versions ? "Boston" : "Atlanta", (await reading).State.Location);

        // Sent with no write in flight, answered after a whole write of this activation: that write's state.
        stored.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        reading = state.Current();
        storage.Reset();
        var third = state.Commit(new CustomerState { Location = "Chicago" });
        storage.Done.SetResult();
        await third;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);
        stored.Gate.SetResult();
        Assert.Equal("Chicago", (await reading).State.Location);

        // Someone else's version is still refused, whatever this activation wrote meanwhile.
        stored.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        reading = state.Current();
        storage.Reset();
        var fourth = state.Commit(new CustomerState { Location = "Denver" });
        await storage.Writing.Task;
        stored.Now = new StoredCopy<CustomerState>("elsewhere-4", true, new CustomerState { Location = "Eugene" });
        stored.Gate.SetResult();
        await Assert.ThrowsAsync<InconsistentStateException>(() => reading);
        storage.Done.SetResult();
        await fourth;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_storage_does_not_answer_in_time_or_fails_the_read_answers_the_confirmed_state_unfenced(bool versions)
    {
        var storage = new GatedStorage();
        var never = new TaskCompletionSource<StoredCopy<CustomerState>>();
        var neverVersion = new TaskCompletionSource<StoredVersion>();
        var failing = false;
        var fault = new StorageFaultException("no connection to Redis", mayHaveStored: false);
        var state = new CommittedState<CustomerState>(
            storage,
            () => failing ? Task.FromException<StoredCopy<CustomerState>>(fault) : never.Task,
            readVersion: versions ? () => failing ? Task.FromException<StoredVersion>(fault) : neverVersion.Task : null);
        var writing = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await writing;

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("Atlanta", (await state.Current()).State.Location);
        Assert.True(started.Elapsed >= CommittedState<CustomerState>.FenceWithin - TimeSpan.FromMilliseconds(50), $"answered after {started.Elapsed}, before the fence's bound");

        failing = true;
        Assert.Equal("Atlanta", (await state.Current()).State.Location);
    }

    [Fact]
    public async Task With_a_version_reader_the_record_is_read_only_when_the_version_is_not_the_one_confirmed()
    {
        var storage = new GatedStorage();
        var stored = new StoredRecords();
        var state = Fenced(storage, stored, versions: true);
        Assert.False((await state.Current()).Exists); // no record, none confirmed: the version proves it
        Assert.Equal((1, 0), (stored.VersionReads, stored.RecordReads));

        var writing = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await writing;
        stored.Now = new StoredCopy<CustomerState>(storage.Etag, true, storage.State);
        Assert.Equal("Atlanta", (await state.Current()).State.Location);
        Assert.Equal((2, 0), (stored.VersionReads, stored.RecordReads));

        stored.Now = new StoredCopy<CustomerState>("elsewhere-1", true, new CustomerState { Location = "Boston" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => state.Current());
        Assert.Equal((3, 1), (stored.VersionReads, stored.RecordReads));
    }

    [Fact]
    public async Task Without_a_reader_there_is_no_fenced_read()
    {
        var state = new CommittedState<CustomerState>(new GatedStorage());

        await Assert.ThrowsAsync<InvalidOperationException>(() => state.Current());
    }

    [Fact]
    public async Task A_first_write_in_flight_shows_no_record_even_once_storage_counts_it_as_existing()
    {
        var storage = new GatedStorage();
        var state = new CommittedState<CustomerState>(storage);

        var writing = state.Commit(new CustomerState { Location = "Atlanta" });
        await storage.Writing.Task; // storage has set RecordExists; the write's continuation has not run

        Assert.False(state.Exists);
        Assert.Equal(new CustomerState().Location, state.Value.Location);
        storage.Done.SetResult();
        await writing;
        Assert.True(state.Exists);
        Assert.Equal("Atlanta", state.Value.Location);
    }

    [Fact]
    public async Task A_failed_write_leaves_the_state_storage_confirmed_before()
    {
        var storage = new GatedStorage();
        var state = new CommittedState<CustomerState>(storage);
        var first = state.Commit(new CustomerState { Location = "Atlanta" });
        storage.Done.SetResult();
        await first;

        storage.Reset();
        var second = state.Commit(new CustomerState { Location = "Boston" });
        await storage.Writing.Task;
        Assert.Equal("Atlanta", state.Value.Location);
        storage.Done.SetException(new TimeoutException("storage did not answer"));

        await Assert.ThrowsAsync<TimeoutException>(() => second);
        Assert.Equal("Atlanta", state.Value.Location);
    }

    // The fenced state over these stored records: read whole, or by their version first.
    private static CommittedState<CustomerState> Fenced(GatedStorage storage, StoredRecords stored, bool versions, TimeSpan? fenceWithin = null) =>
        new(storage, stored.Read, fenceWithin, versions ? stored.Version : null);

    // Storage whose write marks the record as existing at once, then waits for the test to let it finish.
    private sealed class GatedStorage : IPersistentState<CustomerState>
    {
        public TaskCompletionSource Writing { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CustomerState State { get; set; } = new();

        public string? Etag { get; private set; }

        public bool RecordExists { get; private set; }

        public void Reset()
        {
            Writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public async Task WriteStateAsync()
        {
            RecordExists = true;
            Writing.SetResult();
            await Done.Task;
            Etag = Guid.NewGuid().ToString("N");
        }

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task ClearStateAsync() => Task.CompletedTask;
    }

    // What storage holds, as the fenced read finds it; nothing at first.
    private sealed class StoredRecords
    {
        public StoredCopy<CustomerState> Now { get; set; } = new(null, false, new CustomerState());

        /// <summary>When set, a read answers once it completes, with what storage holds then.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public int RecordReads { get; private set; }

        public int VersionReads { get; private set; }

        public async Task<StoredCopy<CustomerState>> Read()
        {
            RecordReads++;
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            return Now;
        }

        // The version alone, as a store that can read it answers: what the record read would say at the same moment.
        public async Task<StoredVersion> Version()
        {
            VersionReads++;
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            return new StoredVersion(Now.Etag);
        }
    }
}
