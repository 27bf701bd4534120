namespace Autopilot.Edge;

/// <summary>
/// Decides the upstream from what Consul lists. After Consul comes back (unreachable, or restarted with its index reset), a
/// restarted agent reports every check critical until it has run, and an agent that lost its state lists nothing until
/// its processes register again: for <see cref="EdgeOptions.SettleAfterRecovery"/> the gateways of the upstream of that
/// moment are held though Consul does not list them as passing, while new ones are added at once. A held gateway is let go
/// as soon as Consul has answered for it: once it passes (from then on its checks rule), or once it was listed and then
/// is not (it deregistered: a gateway that leaves drains only a few seconds, so it must leave the upstream at once).
/// </summary>
public sealed class SettlePolicy(TimeSpan settleAfterRecovery, TimeProvider time)
{
    private DateTimeOffset settleUntil = DateTimeOffset.MinValue;
    private IReadOnlyList<GatewayEndpoint>? published;

    // The gateways still held, by ID, and whether Consul has listed each (not passing) since it came back.
    private readonly Dictionary<string, bool> held = new(StringComparer.Ordinal);

    /// <summary>How long the current settle period still runs; zero when none does.</summary>
    public TimeSpan Remaining => settleUntil - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Consul answers again after failing, or an agent restarted: hold what is published for a while.</summary>
    public void Recovered()
    {
        settleUntil = time.GetUtcNow() + settleAfterRecovery;
        held.Clear();
        foreach (var gateway in published ?? [])
        {
            held[gateway.Id] = false;
        }
    }

    /// <summary>The upstream to publish when Consul lists exactly <paramref name="passing"/>, or null when it is what was published already.</summary>
    public IReadOnlyList<GatewayEndpoint>? Next(IReadOnlyList<GatewayEndpoint> passing) => Next(passing, passing);

    /// <summary>
    /// The upstream to publish for the instances Consul lists (<paramref name="listed"/>, in any state) and those of them
    /// that pass, or null when it is what was published already.
    /// </summary>
    public IReadOnlyList<GatewayEndpoint>? Next(IReadOnlyList<GatewayEndpoint> passing, IReadOnlyList<GatewayEndpoint> listed)
    {
        if (Remaining == TimeSpan.Zero)
        {
            held.Clear();
        }

        foreach (var (id, wasListed) in held.ToList())
        {
            if (passing.Any(g => g.Id == id))
            {
                held.Remove(id);
            }
            else if (listed.Any(g => g.Id == id))
            {
                held[id] = true;
            }
            else if (wasListed)
            {
                held.Remove(id);
            }
        }

        var next = passing.UnionBy((published ?? []).Where(g => held.ContainsKey(g.Id)), g => g.Id)
            .OrderBy(g => g.Id, StringComparer.Ordinal)
            .ToList();
        if (published is not null && published.SequenceEqual(next))
        {
            return null;
        }

        published = next;
        return next;
    }
}
