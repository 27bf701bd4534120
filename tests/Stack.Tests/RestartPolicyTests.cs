using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Tests;

[Trait("Category", "unit")]
public sealed class RestartPolicyTests
{
    [Fact]
    public void A_part_that_keeps_crashing_waits_longer_each_time_up_to_ten_seconds()
    {
        var policy = new RestartPolicy();

        var waits = Enumerable.Range(0, 6).Select(_ => policy.After(137, TimeSpan.FromSeconds(1))!.Value.TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 8, 10, 10], waits);
        Assert.Equal(6, policy.Restarts);
    }

    [Fact]
    public void A_part_that_ran_a_minute_starts_again_after_the_first_back_off()
    {
        var policy = new RestartPolicy();
        policy.After(1, TimeSpan.FromSeconds(1));
        policy.After(1, TimeSpan.FromSeconds(1));

        Assert.Equal(RestartPolicy.FirstBackoff, policy.After(1, RestartPolicy.StableAfter));
    }

    [Fact]
    public void Bad_configuration_stays_down()
    {
        Assert.Null(new RestartPolicy().After(2, TimeSpan.FromMinutes(5)));
    }
}
