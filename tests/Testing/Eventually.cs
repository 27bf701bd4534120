using Xunit;

namespace Autopilot.Testing;

/// <summary>Polls until a condition holds, failing with what was last seen after a generous bound. No fixed sleeps.</summary>
public static class Eventually
{
    public static async Task<T> Holds<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
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

                last = $"{value}";
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what}: still not true after {timeout.TotalSeconds} s; last seen: {last}");
            }

            await Task.Delay(200);
        }
    }
}
