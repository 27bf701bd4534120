using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>The settle rule after Consul comes back, on a fake clock: keep what Consul forgets for a while, add what it lists at once.</summary>
[Trait("Category", "unit")]
public sealed class SettlePolicyTests
{
    private static readonly GatewayEndpoint A = new("a", "127.0.0.1", 1001);
    private static readonly GatewayEndpoint B = new("b", "127.0.0.1", 1002);
    private static readonly GatewayEndpoint C = new("c", "127.0.0.1", 1003);

    [Fact]
    public void Without_a_recovery_the_upstream_is_what_Consul_lists_and_an_unchanged_list_publishes_nothing()
    {
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), new FakeTimeProvider());

        Assert.Equal([A, B], policy.Next([B, A]));
        Assert.Null(policy.Next([A, B]));
        Assert.Equal([A], policy.Next([A]));
        Assert.Empty(policy.Next([])!);
    }

    [Fact]
    public void After_a_recovery_gateways_Consul_forgets_are_kept_until_the_settle_period_ends_and_new_ones_join_at_once()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);

        policy.Recovered();
        Assert.Null(policy.Next([]));
        Assert.Equal([A, B, C], policy.Next([C]));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Remaining);
        Assert.Null(policy.Next([C]));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, policy.Remaining);
        Assert.Equal([C], policy.Next([C]));
    }

    [Fact]
    public void During_the_settle_period_a_gateway_that_joined_after_the_recovery_and_deregistered_leaves_at_once()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A]);
        policy.Recovered();

        Assert.Equal([A, C], policy.Next([C]));
        time.Advance(TimeSpan.FromSeconds(1));

        // C stops: it deregisters and drains a few seconds; the upstream must not wait for the settle period to end.
        Assert.Equal([A], policy.Next([]));
        Assert.Equal(TimeSpan.FromSeconds(9), policy.Remaining);
    }

    [Fact]
    public void During_the_settle_period_a_held_gateway_is_let_go_once_Consul_has_answered_for_it()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B, C]);
        policy.Recovered();

        // All three are listed with their checks not run yet (critical, no output): held.
        Assert.Null(policy.Next([], [A, B, C], []));

        // A passes: from then on its checks rule, so its failure drops it. B is listed, then not: it deregistered.
        // C is listed with its checks not run, still: held.
        Assert.Null(policy.Next([A], [B, C], []));
        Assert.Equal([A, C], policy.Next([A], [C], []));
        Assert.Equal([C], policy.Next([], [C], [A]));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(policy.Next([], [C], [A])!);
    }

    [Fact]
    public void During_the_settle_period_a_held_gateway_whose_check_ran_and_failed_is_let_go_at_once()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);
        policy.Recovered();

        // B stopped while Consul was away: its check has run since and failed.
        Assert.Equal([A], policy.Next([], [A], [B]));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Remaining);
    }

    [Fact]
    public void A_restarted_server_that_lists_its_old_passing_checks_and_then_the_agents_unrun_ones_keeps_every_gateway()
    {
        // What a clean-clone run met (a 503 to every request for a second): the server came back with its raft state, which
        // lists every gateway passing, so the holds ended; then the agent synced the checks it had restored, critical with no
        // output, until each ran. Consul had answered in between, so no recovery was seen either.
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);
        policy.Recovered();
        Assert.Null(policy.Next([A, B]));

        Assert.Null(policy.Next([], [A, B], []));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(policy.Next([A], [B], []));
        Assert.Null(policy.Next([A, B]));
    }

    [Fact]
    public void Without_a_recovery_a_gateway_whose_checks_have_not_run_is_held_for_the_settle_period_and_a_new_one_waits_for_its_check()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);

        // A registered again (its agent forgot it): critical with no output until its check runs. C is new: not yet.
        Assert.Null(policy.Next([B], [A, C], []));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Remaining);
        Assert.Null(policy.Next([B], [A, C], []));

        // A check that never runs does not hold it for good.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([B], policy.Next([B], [A, C], []));
        Assert.Null(policy.Next([B], [A, C], []));
        Assert.Equal([A, B, C], policy.Next([A, B, C]));
    }

    [Fact]
    public void A_gateway_whose_checks_have_not_run_that_then_fails_or_deregisters_leaves_at_once()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);

        Assert.Null(policy.Next([], [A, B], []));
        Assert.Equal([B], policy.Next([], [B], [A]));
        Assert.Empty(policy.Next([])!);
        Assert.Equal(TimeSpan.Zero, policy.Remaining);
    }

    [Fact]
    public void A_held_gateway_Consul_has_not_listed_since_it_came_back_is_kept_until_the_settle_period_ends()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A, B]);
        policy.Recovered();

        // An agent that lost its state lists nothing until its processes register again.
        Assert.Null(policy.Next([]));
        Assert.Equal([A, B, C], policy.Next([C]));
        Assert.Null(policy.Next([B, C]));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([B, C], policy.Next([B, C]));
    }

    [Fact]
    public void A_second_recovery_starts_the_settle_period_again()
    {
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        policy.Next([A]);
        policy.Recovered();
        time.Advance(TimeSpan.FromSeconds(8));

        policy.Recovered();
        time.Advance(TimeSpan.FromSeconds(8));

        Assert.Null(policy.Next([]));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(policy.Next([])!);
    }
}
