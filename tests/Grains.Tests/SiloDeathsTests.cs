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
    public void A_silo_already_dead_when_first_seen_is_left_out()
    {
        var deaths = new SiloDeaths(time);

        Assert.False(deaths.Shown(new ClusterMember(SiloAddress.New(IPAddress.Loopback, 11112, 1), SiloStatus.Dead, "silo-2")));
    }
}
