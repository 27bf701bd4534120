namespace Autopilot.Grains.Tests;

/// <summary>Polls until a condition holds, failing with what was last seen after a generous bound.</summary>
internal static class Eventually
{
    public static async Task<T> Holds<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition still false after the wait; last value: {value}");
            }

            await Task.Delay(100);
        }
    }
}
