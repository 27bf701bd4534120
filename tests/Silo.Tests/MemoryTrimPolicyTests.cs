namespace Autopilot.Silo.Tests;

/// <summary>When a silo gives memory back: after a burst of activations has been collected, never for a steady working set.</summary>
[Trait("Category", "unit")]
public sealed class MemoryTrimPolicyTests
{
    [Fact]
    public void A_burst_collected_to_half_or_less_trims_once()
    {
        var policy = new MemoryTrimPolicy(minimumDrop: 5_000);

        Assert.Null(policy.Observe(200));
        Assert.Null(policy.Observe(100_000));
        Assert.Null(policy.Observe(60_000));
        Assert.Equal(100_000, policy.Observe(300));
        Assert.Null(policy.Observe(300));
        Assert.Null(policy.Observe(250));
    }

    [Fact]
    public void A_steady_or_small_working_set_never_trims()
    {
        var policy = new MemoryTrimPolicy(minimumDrop: 5_000);

        foreach (var count in new[] { 50_000, 48_000, 52_000, 49_000, 30_000 })
        {
            Assert.Null(policy.Observe(count));
        }

        var small = new MemoryTrimPolicy(minimumDrop: 5_000);
        Assert.Null(small.Observe(4_000));
        Assert.Null(small.Observe(10));
    }

    [Fact]
    public void A_second_burst_trims_again_from_its_own_peak()
    {
        var policy = new MemoryTrimPolicy(minimumDrop: 5_000);

        Assert.Null(policy.Observe(20_000));
        Assert.Equal(20_000, policy.Observe(100));
        Assert.Null(policy.Observe(12_000));
        Assert.Equal(12_000, policy.Observe(5_000));
    }

    [Fact]
    public void Zero_turns_it_off()
    {
        var policy = new MemoryTrimPolicy(minimumDrop: 0);

        Assert.Null(policy.Observe(100_000));
        Assert.Null(policy.Observe(0));
    }
}
