using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>
/// Coalescing on a fake clock: a change is applied once nothing new came for the quiet period, or once the longest delay
/// has passed since the first change of a burst, and only the latest set is applied.
/// </summary>
[Trait("Category", "unit")]
public sealed class UpstreamApplierTests : IAsyncLifetime
{
    private static readonly TimeSpan Quiescence = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);
    private readonly CountingTime time = new();
    private readonly UpstreamChanges changes = new();
    private readonly RecordingSink sink = new();
    private UpstreamApplier applier = null!;

    public async Task InitializeAsync()
    {
        var options = new EdgeOptions { Quiescence = Quiescence, MaxDelay = MaxDelay };
        applier = new UpstreamApplier(changes, sink, options, new EdgeStatus(), time, NullLogger<UpstreamApplier>.Instance);
        await applier.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await applier.StopAsync(CancellationToken.None);
        applier.Dispose();
    }

    private static IReadOnlyList<GatewayEndpoint> Gateways(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new GatewayEndpoint($"g{i}", "127.0.0.1", 1000 + i))];

    [Fact]
    public async Task A_change_is_applied_only_once_the_quiet_period_has_passed()
    {
        changes.Publish(Gateways(1));
        await time.TimersCreated(1);
        time.Advance(Quiescence - TimeSpan.FromMilliseconds(1));
        await sink.Settled();
        Assert.Empty(sink.Applied);

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([1], await sink.AppliedCounts(1));
    }

    [Fact]
    public async Task A_burst_of_changes_is_one_apply_of_the_latest_set()
    {
        for (var i = 1; i <= 10; i++)
        {
            changes.Publish(Gateways(i));
            await time.TimersCreated(i);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Empty(sink.Applied);
        time.Advance(Quiescence);

        Assert.Equal([10], await sink.AppliedCounts(1));
    }

    [Fact]
    public async Task Changes_that_never_pause_are_applied_after_the_longest_delay()
    {
        changes.Publish(Gateways(1));
        for (var i = 2; i <= 12; i++)
        {
            await time.TimersCreated(i - 1);
            time.Advance(TimeSpan.FromMilliseconds(100));
            changes.Publish(Gateways(i));
        }

        // 1.1 s of changes 100 ms apart: never quiet for 150 ms, so the first apply comes at the 1 s bound.
        Assert.Single(await sink.AppliedCounts(1));
        Assert.InRange(sink.Applied[0].Count, 10, 11);
    }

    /// <summary>
    /// The fake clock, counting the timers made on it. The applier makes one for each change it takes (its quiet period),
    /// so a test moves the clock only once the applier has taken the change: moved before, on a loaded machine, the quiet
    /// period began later on the fake clock than the test meant, and never ended (waiting 30 ms of real time for the
    /// applier was not always enough).
    /// </summary>
    private sealed class CountingTime : FakeTimeProvider
    {
        private int created;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref created);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        public async Task TimersCreated(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Volatile.Read(ref created) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the applier made {Volatile.Read(ref created)} timer(s) in 30 s, not {count}: it did not take the change");
                await Task.Delay(5);
            }
        }
    }

    /// <summary>Records what the applier applies; waits a moment of real time for the applier's loop to run.</summary>
    private sealed class RecordingSink : IUpstreamSink
    {
        private readonly List<IReadOnlyList<GatewayEndpoint>> applied = [];

        public string Name => "recording";

        public List<IReadOnlyList<GatewayEndpoint>> Applied
        {
            get
            {
                lock (applied)
                {
                    return [.. applied];
                }
            }
        }

        public Task<bool> ApplyAsync(IReadOnlyList<GatewayEndpoint> gateways, CancellationToken cancellationToken)
        {
            lock (applied)
            {
                applied.Add(gateways);
            }

            return Task.FromResult(true);
        }

        /// <summary>Lets the applier's continuations run before the clock moves again.</summary>
        public Task Settled() => Task.Delay(30);

        public async Task<List<int>> AppliedCounts(int expected)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Applied.Count < expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            await Task.Delay(50);
            return [.. Applied.Select(a => a.Count)];
        }
    }
}
