using Autopilot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Grains.Tests;

/// <summary><see cref="Bounded.Within"/>: null only for a call that did not answer within the bound; a call's own failure, a timeout among them, is thrown.</summary>
[Trait("Category", "unit")]
public sealed class BoundedTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_call_that_answers_within_the_bound_gives_its_result()
    {
        Assert.Equal("answer", await Bounded.Within(Task.FromResult("answer"), Bound));
    }

    [Fact]
    public async Task A_call_slower_than_the_bound_gives_null()
    {
        var never = new TaskCompletionSource<string>();

        Assert.Null(await Bounded.Within(never.Task, Bound));
    }

    [Fact]
    public async Task A_call_that_fails_with_its_own_timeout_before_the_bound_is_thrown_not_taken_for_no_answer()
    {
        var own = new TimeoutException("Response did not arrive on time in 00:00:03");

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => Bounded.Within(Task.FromException<string>(own), TimeSpan.FromSeconds(30)));

        Assert.Same(own, thrown);
    }

    [Fact]
    public async Task A_call_that_fails_otherwise_before_the_bound_is_thrown()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded.Within(Task.FromException<string>(new InvalidOperationException("storage")), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_delay_with_no_stall_ends_after_its_bound()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Bounded.Delay(Bound, TimeProvider.System, CancellationToken.None);

        Assert.InRange(clock.Elapsed, Bound - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_delay_whose_process_stalled_waits_the_time_lost_again_once_and_at_most_its_bound()
    {
        // On a fake clock whose readings jump a second ahead after the first: the timer fires "late", as when the machine
        // stood still. No real time is involved, so a busy test machine's own stalls cannot change the outcome.
        var fake = new FakeTimeProvider();
        var stalled = new StallingTime(TimeSpan.FromSeconds(1), stallsAfterReadings: 1, inner: fake);
        var delay = Bounded.Delay(Bound, stalled, CancellationToken.None);

        fake.Advance(Bound);
        await Eventually.Holds(() => Task.FromResult(stalled.Timers), n => n == 2, TimeSpan.FromSeconds(30), "the delay's second timer, for the time lost");
        Assert.False(delay.IsCompleted);
        fake.Advance(Bound - TimeSpan.FromMilliseconds(1));
        Assert.False(delay.IsCompleted);
        fake.Advance(TimeSpan.FromMilliseconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, stalled.Readings);
        Assert.Equal(2, stalled.Timers);
    }

    [Fact]
    public async Task A_delay_that_keeps_stalling_still_ends()
    {
        var stalled = new StallingTime(TimeSpan.FromSeconds(1), stallsAfterReadings: 1, stallEveryReading: true);

        await Bounded.Delay(Bound, stalled, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(8, stalled.Readings);
    }

    // A clock (the system's, or a fake one) whose timestamps jump ahead by a stall after a number of readings (every reading
    // after it, or once); it counts its readings and the timers made on it.
    private sealed class StallingTime(TimeSpan stall, int stallsAfterReadings, bool stallEveryReading = false, TimeProvider? inner = null) : TimeProvider
    {
        private readonly TimeProvider clock = inner ?? System;
        private long offset;
        private int readings;
        private int timers;

        public int Readings => Volatile.Read(ref readings);

        public int Timers => Volatile.Read(ref timers);

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override long GetTimestamp()
        {
            var reading = Interlocked.Increment(ref readings);
            if (reading > stallsAfterReadings && (stallEveryReading || reading == stallsAfterReadings + 1))
            {
                Interlocked.Add(ref offset, (long)(stall.TotalSeconds * clock.TimestampFrequency));
            }

            return clock.GetTimestamp() + Interlocked.Read(ref offset);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref timers);
            return clock.CreateTimer(callback, state, dueTime, period);
        }
    }
}
