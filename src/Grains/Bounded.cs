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

    /// <summary>Observes the failure of a call no one awaits any more, so that it is not reported as unobserved.</summary>
    public static void ObserveFailure(Task call) =>
        _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
