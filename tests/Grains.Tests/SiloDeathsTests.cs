using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Grains.Tests;

/// <summary>The cluster's view keeps live silos and recent deaths; old dead rows are left to the page's timeline.</summary>
[Trait("Category", "unit")]
public sealed class SiloDeathsTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void A_silo_seen_dying_is_shown_for_five_minutes_then_left_out()
    {
        var deaths = new SiloDeaths(time);
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, 1);

        Assert.True(deaths.Shown(new ClusterMember(silo, SiloStatus.Active, "silo-1")));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(deaths.Shown(new ClusterMember(silo, SiloStatus.Dead, "silo-1")));
        time.Advance(SiloDeaths.Recent - TimeSpan.FromSeconds(1));
        Assert.True(deaths.Shown(new ClusterMember(silo, SiloStatus.Dead, "silo-1")));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(deaths.Shown(new ClusterMember(silo, SiloStatus.Dead, "silo-1")));
    }

    [Fact]
    public void A_silo_seen_shutting_down_left_and_one_seen_active_then_dead_died()
    {
        var deaths = new SiloDeaths(time);
        var (leaving, crashing) = (SiloAddress.New(IPAddress.Loopback, 11113, 1), SiloAddress.New(IPAddress.Loopback, 11114, 1));
        deaths.Observe(new ClusterMember(leaving, SiloStatus.Active, "silo-3"));
        deaths.Observe(new ClusterMember(crashing, SiloStatus.Active, "silo-2"));
        Assert.Null(deaths.Ending(leaving));

        deaths.Observe(new ClusterMember(leaving, SiloStatus.ShuttingDown, "silo-3"));
        deaths.Observe(new ClusterMember(leaving, SiloStatus.Dead, "silo-3"));
        deaths.Observe(new ClusterMember(crashing, SiloStatus.Dead, "silo-2"));

        Assert.Equal(("left", "died"), (deaths.Ending(leaving), deaths.Ending(crashing)));
        Assert.Equal((false, true), (deaths.SawDie(leaving), deaths.SawDie(crashing)));
    }

    [Fact]
    public void A_silo_already_dead_when_first_seen_is_not_one_this_silo_saw_die()
    {
        var deaths = new SiloDeaths(time);
        var (earlier, living) = (SiloAddress.New(IPAddress.Loopback, 11116, 1), SiloAddress.New(IPAddress.Loopback, 11117, 1));
        deaths.Observe(new ClusterMember(earlier, SiloStatus.Dead, "silo-1"));
        deaths.Observe(new ClusterMember(living, SiloStatus.Active, "silo-2"));

        Assert.False(deaths.SawDie(earlier));
        Assert.False(deaths.SawDie(living));
        Assert.False(deaths.SawDie(SiloAddress.New(IPAddress.Loopback, 11118, 1)));
        // The page still shows how the row ended, as far as anything is known.
        Assert.Equal("died", deaths.Ending(earlier));
    }

    [Fact]
    public void A_silo_already_dead_when_first_seen_counts_as_ended_when_it_started()
    {
        var deaths = new SiloDeaths(time);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var generation = (int)(time.GetUtcNow() - new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;
        var startedTwoMinutesAgo = SiloAddress.New(IPAddress.Loopback, 11112, generation - 120);
        var startedAnHourAgo = SiloAddress.New(IPAddress.Loopback, 11115, generation - 3600);

        Assert.True(deaths.Shown(new ClusterMember(startedTwoMinutesAgo, SiloStatus.Dead, "silo-2")));
        Assert.False(deaths.Shown(new ClusterMember(startedAnHourAgo, SiloStatus.Dead, "silo-old")));
        time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        Assert.False(deaths.Shown(new ClusterMember(startedTwoMinutesAgo, SiloStatus.Dead, "silo-2")));
    }
}
