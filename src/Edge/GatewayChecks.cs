using Autopilot.Consul.Client;

namespace Autopilot.Edge;

/// <summary>
/// Sorts the instances Consul lists for the gateway service by what their checks say: passing (every check passes), not
/// known (no check has failed, but at least one has said nothing of the gateway yet) and failing (a check ran and did not
/// pass). A check says nothing of the gateway while it is critical with no output (it has not run since the agent
/// restarted or the gateway registered again), and while it is the node's <c>serfHealth</c> check: that is the health of
/// the Consul agent holding the registration, and in the container deployment the gateways register with the Consul
/// servers, so a server that stops takes every registration on it to critical though each gateway serves on. Such a
/// gateway moves its registration to a server left within a few seconds; until then <see cref="SettlePolicy"/> holds it.
/// </summary>
public static class GatewayChecks
{
    /// <summary>The ID of Consul's check of the node itself (the agent's Serf membership).</summary>
    public const string NodeCheck = "serfHealth";

    public static (IReadOnlyList<GatewayEndpoint> Passing, IReadOnlyList<GatewayEndpoint> Unchecked, IReadOnlyList<GatewayEndpoint> Failing) Sort(IReadOnlyList<ServiceEntry> entries)
    {
        var passing = Endpoints(entries.Where(e => e.Checks.All(c => c.Status == "passing")));
        var @unchecked = Endpoints(entries.Where(e => !e.Checks.All(c => c.Status == "passing") && e.Checks.All(c => c.Status == "passing" || SaysNothing(c))));
        var failing = Endpoints(entries).Except(passing).Except(@unchecked).ToList();
        return (passing, @unchecked, failing);
    }

    private static bool SaysNothing(AgentCheck check) =>
        check.Status == "critical" && (check.Output.Length == 0 || (check.CheckID == NodeCheck && check.ServiceID.Length == 0));

    private static List<GatewayEndpoint> Endpoints(IEnumerable<ServiceEntry> entries) =>
        entries
            .Select(e => new GatewayEndpoint(e.Service.ID, string.IsNullOrEmpty(e.Service.Address) ? e.Node.Address : e.Service.Address, e.Service.Port))
            // A gateway that moved from a Consul server that went away is listed on both nodes until it takes the old
            // registration off there: one upstream server.
            .Distinct()
            .ToList();
}
