using static Autopilot.Chaos.Tests.Ops;

namespace Autopilot.Chaos.Tests;

/// <summary>The register checker on hand-made histories: each kind of violation is caught, valid concurrent histories pass.</summary>
[Trait("Category", "unit")]
public sealed class RegisterCheckerTests
{
    [Fact]
    public void A_sequential_history_passes()
    {
        Assert.Empty(RegisterChecker.Check([Read(null, 0, 0.5), Write("a", 1, 2), Read("a", 3, 4), Write("b", 5, 6), Read("b", 7, 8, final: true)]));
    }

    [Fact]
    public void A_read_concurrent_with_a_write_may_see_the_old_value_or_the_new_one()
    {
        Assert.Empty(RegisterChecker.Check([Write("a", 0, 10), Read(null, 1, 2), Read("a", 3, 4), Read("a", 11, 12)]));
    }

    [Fact]
    public void Concurrent_writes_may_take_effect_in_either_order_and_reads_follow_that_order()
    {
        Assert.Empty(RegisterChecker.Check([Write("a", 0, 5), Write("b", 0, 5), Read("b", 1, 2), Read("a", 6, 7)]));
    }

    [Fact]
    public void An_indeterminate_write_may_take_effect_long_after_its_timeout_or_never()
    {
        Assert.Empty(RegisterChecker.Check([Write("a", 0, 1), Write("b", 2, 3, Outcome.Indeterminate), Read("a", 4, 5), Read("b", 10, 11), Write("c", 12, 13, Outcome.Indeterminate), Read("b", 14, 15)]));
        Assert.Empty(RegisterChecker.Check([Write("a", 0, 1), Write("b", 2, null, Outcome.Indeterminate), Read("a", 4, 5, final: true)]));
    }

    [Fact]
    public void Reads_that_failed_and_other_keys_say_nothing()
    {
        Assert.Empty(RegisterChecker.Check([Write("a", 0, 1), Read(null, 2, 3, outcome: Outcome.Indeterminate), Read(null, 2, 3, key: "customer/Other")]));
    }

    [Fact]
    public void A_read_of_a_value_never_written_is_caught()
    {
        var violation = Assert.Single(RegisterChecker.Check([Write("a", 0, 1), Read("ghost", 2, 3)]));

        Assert.Equal((ViolationKind.NeverWritten, "customer/Acme"), (violation.Kind, violation.Key));
    }

    [Fact]
    public void A_read_of_a_refused_write_is_caught()
    {
        Assert.Equal(ViolationKind.ReadOfRefusedWrite, Assert.Single(RegisterChecker.Check([Write("a", 0, 1, Outcome.Failed), Read("a", 2, 3)])).Kind);
    }

    [Fact]
    public void A_read_of_a_write_that_began_after_the_read_ended_is_caught()
    {
        Assert.Equal(ViolationKind.FutureRead, Assert.Single(RegisterChecker.Check([Read("a", 0, 1), Write("a", 2, 3)])).Kind);
    }

    [Fact]
    public void A_stale_read_is_caught_and_names_the_write_that_superseded_its_value()
    {
        var violation = Assert.Single(RegisterChecker.Check([Write("a", 0, 1), Write("b", 2, 3), Read("a", 4, 5)]));

        Assert.Equal(ViolationKind.StaleRead, violation.Kind);
        Assert.Contains("(b)", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_nothing_after_an_acknowledged_create_is_a_stale_read()
    {
        Assert.Equal(ViolationKind.StaleRead, Assert.Single(RegisterChecker.Check([Write("a", 0, 1), Read(null, 2, 3)])).Kind);
    }

    [Fact]
    public void A_final_value_that_an_acknowledged_write_superseded_is_a_lost_write()
    {
        Assert.Equal(ViolationKind.LostWrite, Assert.Single(RegisterChecker.Check([Write("a", 0, 1), Write("b", 2, 3), Read("a", 10, 11, final: true)])).Kind);
    }

    [Fact]
    public void Reads_that_see_two_values_come_back_are_not_linearizable()
    {
        // Both writes ran at once, so either order is fine, but not a, then b, then a again.
        var violations = RegisterChecker.Check([Write("a", 0, 1), Write("b", 0, 1), Read("a", 2, 3), Read("b", 4, 5), Read("a", 6, 7)]);

        Assert.Contains(violations, v => v.Kind == ViolationKind.NotLinearizable);
    }

    [Fact]
    public void A_read_after_a_newer_value_was_seen_is_caught_even_while_the_older_write_was_still_running()
    {
        // a is seen by 2 s, b runs wholly after that, and a is read again: a stale value, though a's write had not ended.
        var violations = RegisterChecker.Check([Write("a", 0, 10), Read("a", 1, 2), Write("b", 3, 4), Read("a", 5, 6)]);

        Assert.Equal(ViolationKind.NotLinearizable, Assert.Single(violations).Kind);
    }

    [Fact]
    public void A_history_whose_writes_repeat_a_value_cannot_be_checked()
    {
        Assert.Throws<ArgumentException>(() => RegisterChecker.Check([Write("a", 0, 1), Write("a", 2, 3)]));
    }

    [Fact]
    public void The_history_records_what_was_sent_when_and_how_it_ended_and_unanswered_operations_count_as_indeterminate()
    {
        var history = new History();
        var write = history.Invoke("customer/Acme", OperationKind.Write, "a");
        var read = history.Invoke("customer/Acme", OperationKind.Read);
        var lost = history.Invoke("customer/Acme", OperationKind.Write, "b");
        write.Ok(200);
        read.Ok(200, "a");

        var operations = history.Operations;

        Assert.Equal([Outcome.Ok, Outcome.Ok, Outcome.Indeterminate], operations.Select(o => o.Outcome));
        Assert.Equal(["a", "a", "b"], operations.Select(o => o.Value));
        Assert.All(operations.Take(2), o => Assert.True(o.Completed >= o.Invoked));
        Assert.Null(operations[2].Completed);
        Assert.Throws<InvalidOperationException>(() => write.Failed(500));
        Assert.Empty(RegisterChecker.Check(operations));
    }
}
