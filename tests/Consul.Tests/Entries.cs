using System.Net;

namespace Autopilot.Consul.Tests;

internal static class Entries
{
    private static int generation = 1000;

    public static string NewClusterId() => $"test-{Guid.NewGuid():N}";

    public static MembershipEntry New(int port, SiloStatus status = SiloStatus.Joining, int proxyPort = 0)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, Interlocked.Increment(ref generation)),
            SiloName = $"silo-{port}",
            HostName = "testhost",
            Status = status,
            ProxyPort = proxyPort,
            RoleName = "tests",
            UpdateZone = 1,
            FaultZone = 2,
            StartTime = now,
            IAmAliveTime = now,
            SuspectTimes = [],
        };
    }
}
