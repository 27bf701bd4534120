using Autopilot.Stack.Chaos;

namespace Autopilot.Stack.Tests;

[Trait("Category", "unit")]
public sealed class AffectedKeysTests
{
    private static readonly TimeSpan FirstCut = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SecondCut = TimeSpan.FromSeconds(40);

    // Where each key's answers came from, and when: customer/a stays on silo-1; customer/b on silo-2; customer/c moves from
    // silo-2 to silo-1 (the cut silo, back as a new member) between the two cuts; customer/d first answers after both.
    private static readonly Dictionary<string, (TimeSpan At, string Source)[]> Answers = new(StringComparer.Ordinal)
    {
        ["customer/a"] = [(TimeSpan.FromSeconds(1), "silo on silo-1:11111")],
        ["customer/b"] = [(TimeSpan.FromSeconds(1), "silo on silo-2:11111")],
        ["customer/c"] = [(TimeSpan.FromSeconds(1), "silo on silo-2:11111"), (TimeSpan.FromSeconds(30), "silo on silo-1:11111")],
        ["customer/d"] = [(TimeSpan.FromSeconds(50), "silo on silo-1:11111")],
    };

    private static string? SourceAt(string key, TimeSpan at) => Answers[key].LastOrDefault(a => a.At <= at).Source;

    [Fact]
    public void A_key_on_the_faulty_silo_when_the_fault_began_is_affected_and_the_others_are_not()
    {
        var affected = ChaosRunner.AffectedKeys(Answers.Keys, SourceAt, "silo-1", [FirstCut]);

        Assert.Equal(["customer/a"], affected.Order());
    }

    [Fact]
    public void A_key_that_moved_onto_the_silo_between_two_rounds_of_a_repeated_fault_is_affected_too()
    {
        var affected = ChaosRunner.AffectedKeys(Answers.Keys, SourceAt, "silo-1", [FirstCut, SecondCut]);

        Assert.Equal(["customer/a", "customer/c"], affected.Order());
    }

    [Fact]
    public void With_no_faulty_silo_no_key_is_affected()
    {
        Assert.Empty(ChaosRunner.AffectedKeys(Answers.Keys, SourceAt, null, [FirstCut, SecondCut]));
    }
}
