using System.Diagnostics;

namespace Autopilot.Bench;

internal static class Poll
{
    /// <summary>Seconds until <paramref name="condition"/> holds, checked every 10 ms; throws after <paramref name="limit"/>.</summary>
    public static async Task<double> SecondsUntil(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed.TotalSeconds;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not there yet.
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s");
            }

            await Task.Delay(10);
        }
    }
}
