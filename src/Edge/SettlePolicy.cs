namespace Autopilot.Edge;

/// <summary>
/// Decides the upstream from what Consul lists. A gateway's checks can say nothing for a while: a restarted agent restores
/// every check critical, with no output, until it has run (and a restarted server first lists the checks it had, passing,
/// then the agent's critical ones), a gateway that registers again starts critical the same way, and an agent that lost its
/// state lists nothing until its processes register again. So a gateway of the upstream is held though Consul does not
/// list it as passing, for at most <see cref="EdgeOptions.SettleAfterRecovery"/>: every one of them after Consul comes back
/// (unreachable, or restarted with its index reset), and at any time one whose checks say nothing of it (they have not run
/// since it was last seen, or the Consul server holding its registration is gone: <see cref="GatewayChecks"/>). New
/// gateways are added at once when they pass. A held gateway is let go as soon as Consul has answered for it: once it
/// passes (from then on its checks rule), once a check of it has run and failed, or once it was listed and then is not
/// (it deregistered: a gateway that leaves drains only a few seconds, so it must leave at once).
/// </summary>
public sealed class SettlePolicy(TimeSpan settleAfterRecovery, TimeProvider time)
{
    private IReadOnlyList<GatewayEndpoint>? published;

    // The gateways held, by ID: until when, and whether Consul has listed each (with checks not run yet) since the hold began.
    private readonly Dictionary<string, Hold> held = new(StringComparer.Ordinal);

    /// <summary>How long until the first hold ends; zero when no gateway is held.</summary>
    public TimeSpan Remaining => held.Count == 0 ? TimeSpan.Zero
        : held.Values.Min(h => h.Until) - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Consul answers again after failing, or an agent restarted: hold what is published for a while.</summary>
    public void Recovered()
    {
        var until = time.GetUtcNow() + settleAfterRecovery;
        held.Clear();
        foreach (var gateway in published ?? [])
        {
            held[gateway.Id] = new Hold(until, Listed: false);
        }
    }

    /// <summary>The upstream to publish when Consul lists exactly <paramref name="passing"/>, or null when it is what was published already.</summary>
    public IReadOnlyList<GatewayEndpoint>? Next(IReadOnlyList<GatewayEndpoint> passing) => Next(passing, [], []);

    /// <summary>
    /// The upstream to publish when Consul lists the gateways <paramref name="passing"/>, those whose checks have not run yet
    /// (<paramref name="unchecked"/>: critical with no output) and those with a check that ran and did not pass
    /// (<paramref name="failing"/>), or null when it is what was published already.
    /// </summary>
    public IReadOnlyList<GatewayEndpoint>? Next(IReadOnlyList<GatewayEndpoint> passing, IReadOnlyList<GatewayEndpoint> @unchecked, IReadOnlyList<GatewayEndpoint> failing)
    {
        var now = time.GetUtcNow();
        foreach (var gateway in @unchecked)
        {
            if (published?.Any(g => g.Id == gateway.Id) == true && !held.ContainsKey(gateway.Id))
            {
                held[gateway.Id] = new Hold(now + settleAfterRecovery, Listed: true);
            }
        }

        foreach (var (id, hold) in held.ToList())
        {
            if (hold.Until <= now || passing.Any(g => g.Id == id) || failing.Any(g => g.Id == id))
            {
                held.Remove(id);
            }
            else if (@unchecked.Any(g => g.Id == id))
            {
                held[id] = hold with { Listed = true };
            }
            else if (hold.Listed)
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

    private readonly record struct Hold(DateTimeOffset Until, bool Listed);
}
