namespace Autopilot.Edge;

/// <summary>What the edge serves now, for its health and <c>/upstreams</c> endpoints.</summary>
public sealed class EdgeStatus
{
    private readonly Lock gate = new();
    private IReadOnlyList<GatewayEndpoint> applied = [];
    private int applies;
    private string? lastRefusal;
    private bool watching;

    public void Applied(IReadOnlyList<GatewayEndpoint> gateways)
    {
        lock (gate)
        {
            applied = gateways;
            applies++;
        }
    }

    public void Refused(string reason)
    {
        lock (gate)
        {
            lastRefusal = reason;
        }
    }

    public void Watching(bool ok)
    {
        lock (gate)
        {
            watching = ok;
        }
    }

    public EdgeSnapshot Snapshot()
    {
        lock (gate)
        {
            return new EdgeSnapshot([.. applied.Select(g => g.ToString())], applies, watching, lastRefusal);
        }
    }
}
