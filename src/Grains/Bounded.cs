namespace Autopilot.Grains;

/// <summary>Waiting on a call for a bounded time, as a grain's read does on what it asks of others.</summary>
public static class Bounded
{
    /// <summary>The call's result, or null when it did not come within <paramref name="bound"/>; a failure before that is thrown.</summary>
    public static async Task<T?> Within<T>(Task<T> call, TimeSpan bound)
        where T : class
    {
        try
        {
            return await call.WaitAsync(bound);
        }
        catch (TimeoutException timeout) when (call.Exception?.InnerException != timeout)
        {
            // The bound's own timeout: the call goes on and ends by itself (its own timeout at the latest). A call that failed
            // with a TimeoutException of its own before the bound (Orleans' response timeout, a Redis timeout) is rethrown by
            // WaitAsync as that same exception, which the filter lets through to the caller as any other failure.
            ObserveFailure(call);
            return null;
        }
    }

    /// <summary>How late a timer may fire before the wait takes it for a stall of this process (or of its machine).</summary>
    public static readonly TimeSpan StallTolerance = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Waits <paramref name="bound"/> of this process's running time: a timer that fires more than <see cref="StallTolerance"/>
    /// late says that this process stood still (a starved or paused machine, a long GC), and a call it waits on cannot be
    /// blamed for time its caller did not run, as Orleans' own probes take a failure during a local stall as inconclusive.
    /// The time lost is waited again, at most the bound each time and at most three times, so a stalled wait still ends.
    /// </summary>
    public static async Task Delay(TimeSpan bound, TimeProvider time, CancellationToken cancellationToken)
    {
        var left = bound;
        for (var round = 0; left > TimeSpan.Zero && round <= 3; round++)
        {
            var started = time.GetTimestamp();
            await Task.Delay(left, time, cancellationToken);
            var late = time.GetElapsedTime(started) - left;
            left = late > StallTolerance ? (late < bound ? late : bound) : TimeSpan.Zero;
        }
    }

    /// <summary>Observes the failure of a call no one awaits any more, so that it is not reported as unobserved.</summary>
    public static void ObserveFailure(Task call) =>
        _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
