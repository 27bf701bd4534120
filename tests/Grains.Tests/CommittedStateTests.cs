namespace Autopilot.Grains.Tests;

/// <summary>While a write is in flight, a read sees only what storage confirmed: the state and whether the record exists.</summary>
[Trait("Category", "unit")]
public sealed class CommittedStateTests
{
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

    // Storage whose write marks the record as existing at once, then waits for the test to let it finish.
    private sealed class GatedStorage : IPersistentState<CustomerState>
    {
        public TaskCompletionSource Writing { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CustomerState State { get; set; } = new();

        public string? Etag => null;

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
        }

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task ClearStateAsync() => Task.CompletedTask;
    }
}
