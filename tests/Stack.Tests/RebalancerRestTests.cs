using Autopilot.Stack.Chaos;

namespace Autopilot.Stack.Tests;

/// <summary>
/// When the chaos runner counts Orleans' activation rebalancer as at rest between two readings of the silos' activation
/// counts: no silo took more than a few activations while another lost as many (a migration), whatever new keys added and
/// idle collection took away.
/// </summary>
[Trait("Category", "unit")]
public sealed class RebalancerRestTests
{
    private static Dictionary<string, int?> Counts(params (string Silo, int? Activations)[] silos) =>
        silos.ToDictionary(s => s.Silo, s => s.Activations, StringComparer.Ordinal);

    [Fact]
    public void Counts_that_stay_or_fall_are_at_rest()
    {
        Assert.True(ChaosRunner.Resting(Counts(("a", 120), ("b", 118), ("c", 40)), Counts(("a", 121), ("b", 90), ("c", 40)), tolerance: 2));
    }

    [Fact]
    public void New_keys_on_every_silo_are_at_rest()
    {
        // A load that runs on (the system tests' loop) places new customers on every silo.
        Assert.True(ChaosRunner.Resting(Counts(("a", 120), ("b", 118), ("c", 40)), Counts(("a", 150), ("b", 141), ("c", 66)), tolerance: 2));
    }

    [Fact]
    public void A_silo_that_takes_activations_is_being_filled()
    {
        // The restarted silo c takes its share from a and b.
        Assert.False(ChaosRunner.Resting(Counts(("a", 120), ("b", 118), ("c", 40)), Counts(("a", 110), ("b", 110), ("c", 58)), tolerance: 2));
    }

    [Fact]
    public void A_new_silo_a_silo_that_did_not_answer_or_no_answer_at_all_is_not_at_rest()
    {
        Assert.False(ChaosRunner.Resting(Counts(("a", 120), ("b", 118)), Counts(("a", 120), ("b", 118), ("c", 0)), tolerance: 2));
        Assert.False(ChaosRunner.Resting(Counts(("a", 120), ("b", 118)), Counts(("a", 120), ("b", null)), tolerance: 2));
        Assert.False(ChaosRunner.Resting(Counts(("a", 120), ("b", null)), Counts(("a", 120), ("b", 118)), tolerance: 2));
        Assert.False(ChaosRunner.Resting(Counts(("a", 120), ("b", 118)), Counts(), tolerance: 2));
    }
}
