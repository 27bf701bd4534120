using static Autopilot.Chaos.Tests.Ops;

namespace Autopilot.Chaos.Tests;

/// <summary>The check across grains on hand-made end states: each kind of violation is caught, consistent ones pass.</summary>
[Trait("Category", "unit")]
public sealed class LinkCheckerTests
{
    private static readonly Dictionary<string, string?> Customers = new() { ["Acme"] = "Ann", ["Hooli"] = "Bob", ["Initech"] = null };
    private static readonly Dictionary<string, string?> Reps = new() { ["Ann"] = "Acme", ["Bob"] = "Hooli", ["Cid"] = null };

    [Fact]
    public void Agreeing_links_after_reassignments_that_all_stand_pass()
    {
        Assert.Empty(LinkChecker.Check(Customers, Reps, [Move("Ann", "Acme", 0, 1), Move("Bob", "Initech", 2, 3), Move("Bob", "Hooli", 4, 5), Move("Cid", null, 6, 7)]));
    }

    [Fact]
    public void A_customer_claimed_by_two_reps_is_caught()
    {
        var reps = new Dictionary<string, string?>(Reps) { ["Cid"] = "Acme" };

        Assert.Contains(LinkChecker.Check(Customers, reps, []), v => v.Kind == ViolationKind.DoubleClaim && v.Key == "customer/Acme");
    }

    [Fact]
    public void A_customer_and_its_rep_that_disagree_are_caught_from_either_side()
    {
        var customers = new Dictionary<string, string?>(Customers) { ["Hooli"] = null, ["Initech"] = "Cid" };

        var violations = LinkChecker.Check(customers, Reps, []);

        Assert.Contains(violations, v => v.Kind == ViolationKind.Disagreement && v.Key == "rep/Bob");
        Assert.Contains(violations, v => v.Kind == ViolationKind.Disagreement && v.Key == "customer/Initech");
    }

    [Fact]
    public void An_acknowledged_reassignment_that_nothing_later_touched_and_the_records_do_not_show_is_caught()
    {
        var violation = Assert.Single(LinkChecker.Check(Customers, Reps, [Move("Cid", "Initech", 0, 1)]));

        Assert.Equal((ViolationKind.UndoneReassignment, "rep/Cid"), (violation.Kind, violation.Key));
    }

    [Fact]
    public void A_later_reassignment_of_the_same_rep_supersedes_and_must_stand_itself()
    {
        Assert.Empty(LinkChecker.Check(Customers, Reps, [Move("Ann", "Initech", 0, 1), Move("Ann", "Acme", 2, 3)]));
        Assert.Equal(ViolationKind.UndoneReassignment, Assert.Single(LinkChecker.Check(Customers, Reps, [Move("Ann", "Acme", 0, 1), Move("Ann", "Initech", 2, 3)])).Kind);
    }

    [Fact]
    public void A_concurrent_or_unanswered_reassignment_of_the_same_client_excuses_either_outcome_but_a_refused_one_does_not()
    {
        Assert.Empty(LinkChecker.Check(Customers, Reps, [Move("Cid", "Acme", 0, 2), Move("Ann", "Acme", 1, 3)]));
        Assert.Empty(LinkChecker.Check(Customers, Reps, [Move("Cid", "Acme", 1, 2), Move("Ann", "Acme", 0, 0.5, Outcome.Indeterminate)]));
        Assert.Single(LinkChecker.Check(Customers, Reps, [Move("Cid", "Acme", 1, 2), Move("Ann", "Acme", 3, 4, Outcome.Failed)]));
    }
}
