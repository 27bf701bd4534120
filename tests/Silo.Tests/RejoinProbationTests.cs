using System.Collections.Immutable;
using System.Net;
using Autopilot.Grains;

namespace Autopilot.Silo.Tests;

/// <summary>Which silos the activation rebalancer leaves alone for a while: those that came back where one was declared dead.</summary>
[Trait("Category", "unit")]
public sealed class RejoinProbationTests
{
    private static readonly SiloAddress OldA = Silo(1, 100);
    private static readonly SiloAddress OldB = Silo(2, 101);
    private static readonly SiloAddress DeadC = Silo(3, 102);
    private static readonly SiloAddress BackC = Silo(3, 200);

    [Fact]
    public void A_silo_back_at_the_address_of_one_declared_dead_is_on_probation_and_the_oldest_silo_asks()
    {
        var deaths = Deaths((DeadC, SiloStatus.Active), (DeadC, SiloStatus.Dead));
        var snapshot = Snapshot((OldA, SiloStatus.Active), (OldB, SiloStatus.Active), (DeadC, SiloStatus.Dead), (BackC, SiloStatus.Active));

        Assert.Equal([BackC], RejoinProbation.Rejoined(snapshot, deaths.SawDie));
        Assert.True(RejoinProbation.Asks(snapshot, OldA));
        Assert.False(RejoinProbation.Asks(snapshot, OldB));
        Assert.False(RejoinProbation.Asks(snapshot, BackC));
    }

    [Fact]
    public void A_silo_back_where_one_left_or_at_a_new_address_or_not_yet_active_is_not()
    {
        var left = Deaths((DeadC, SiloStatus.ShuttingDown), (DeadC, SiloStatus.Dead));
        var back = Snapshot((OldA, SiloStatus.Active), (DeadC, SiloStatus.Dead), (BackC, SiloStatus.Active));
        Assert.Empty(RejoinProbation.Rejoined(back, left.SawDie));

        var died = Deaths((DeadC, SiloStatus.Active), (DeadC, SiloStatus.Dead));
        Assert.Empty(RejoinProbation.Rejoined(Snapshot((OldA, SiloStatus.Active), (DeadC, SiloStatus.Dead), (Silo(4, 200), SiloStatus.Active)), died.SawDie));
        Assert.Empty(RejoinProbation.Rejoined(Snapshot((OldA, SiloStatus.Active), (DeadC, SiloStatus.Dead), (BackC, SiloStatus.Joining)), died.SawDie));
        Assert.Equal([BackC], RejoinProbation.Rejoined(back, died.SawDie));
    }

    [Fact]
    public void A_silo_back_where_one_ended_before_the_asking_silo_started_is_not()
    {
        // ./autopilot down, then up with Consul's data kept: every silo of the new stack finds the old rows already dead.
        var firstSeenDead = Deaths((DeadC, SiloStatus.Dead));
        var back = Snapshot((OldA, SiloStatus.Active), (DeadC, SiloStatus.Dead), (BackC, SiloStatus.Active));
        Assert.Empty(RejoinProbation.Rejoined(back, firstSeenDead.SawDie));

        // Seen alive first, by a silo that was there: declared dead, so on probation.
        var seenDying = Deaths((DeadC, SiloStatus.Active), (DeadC, SiloStatus.Dead));
        Assert.Equal([BackC], RejoinProbation.Rejoined(back, seenDying.SawDie));
    }

    [Fact]
    public void A_silo_back_under_the_name_of_one_declared_dead_at_a_new_address_is_on_probation()
    {
        // Docker gave the restarted container a new address; its host name, and so the silo's name, stayed.
        var restarted = Silo(9, 200);
        var died = Deaths((DeadC, SiloStatus.Active), (DeadC, SiloStatus.Dead));
        var snapshot = Snapshot(
            (OldA, SiloStatus.Active, "silo-a-11111"), (DeadC, SiloStatus.Dead, "silo-c-11111"), (restarted, SiloStatus.Active, "silo-c-11111"));
        Assert.Equal([restarted], RejoinProbation.Rejoined(snapshot, died.SawDie));

        var other = Snapshot(
            (OldA, SiloStatus.Active, "silo-a-11111"), (DeadC, SiloStatus.Dead, "silo-c-11111"), (restarted, SiloStatus.Active, "silo-d-11111"));
        Assert.Empty(RejoinProbation.Rejoined(other, died.SawDie));

        var left = Deaths((DeadC, SiloStatus.ShuttingDown), (DeadC, SiloStatus.Dead));
        Assert.Empty(RejoinProbation.Rejoined(snapshot, left.SawDie));
    }

    private static SiloDeaths Deaths(params (SiloAddress Silo, SiloStatus Status)[] seen)
    {
        var deaths = new SiloDeaths(TimeProvider.System);
        foreach (var (silo, status) in seen)
        {
            deaths.Observe(new ClusterMember(silo, status, silo.ToString()));
        }

        return deaths;
    }

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Silo, SiloStatus Status)[] members) =>
        Snapshot([.. members.Select(m => (m.Silo, m.Status, m.Silo.ToString()))]);

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Silo, SiloStatus Status, string Name)[] members) =>
        new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Name)), new MembershipVersion(1));

    private static SiloAddress Silo(int host, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Parse($"10.0.0.{host}"), 11111), generation);
}
