using Xunit;

namespace Autopilot.Testing;

/// <summary>Polls until a condition holds, failing with what was last seen after a generous bound. No fixed sleeps.</summary>
public static class Eventually
{
    /// <summary><paramref name="diagnostics"/> is asked only on failure, e.g. for the tails of the processes' logs.</summary>
    public static async Task<T> Holds<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "nothing read yet";
        while (true)
        {
            try
            {
                var value = await read();
                if (condition(value))
                {
                    return value;
                }

                last = Describe(value);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what}: still not true after {timeout.TotalSeconds} s; last seen: {last}{diagnostics?.Invoke()}");
            }

            await Task.Delay(200);
        }
    }

    // A list reads as its items, not as its type's name.
    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? $"[{string.Join(", ", items.Cast<object?>())}]"
        : $"{value}";
}
