using System.Net;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>Membership rows for the contract tests: a new silo address each time, times at whole seconds (as Orleans' own base does).</summary>
internal static class Entries
{
    private static int generation = 1000;
    private static int port = 20000;

    public static MembershipEntry New(SiloStatus status = SiloStatus.Joining, int? proxyPort = null)
    {
        var silo = SiloAddress.New(IPAddress.Loopback, Interlocked.Increment(ref port), Interlocked.Increment(ref generation));
        var now = WholeSeconds(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = silo,
            SiloName = $"silo-{silo.Endpoint.Port}",
            HostName = "testhost",
            Status = status,
            ProxyPort = proxyPort ?? silo.Endpoint.Port + 10000,
            RoleName = "tests",
            UpdateZone = 1,
            FaultZone = 2,
            StartTime = now,
            IAmAliveTime = now,
            SuspectTimes = [],
        };
    }

    public static DateTime WholeSeconds(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
