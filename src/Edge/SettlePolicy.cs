namespace Autopilot.Edge;

/// <summary>
/// Decides the upstream from what Consul lists as passing. After Consul comes back (unreachable, or restarted with its
/// index reset), a restarted agent reports every check critical until it has run: for
/// <see cref="EdgeOptions.SettleAfterRecovery"/> gateways it stops listing are kept, while new ones are added at once.
/// </summary>
public sealed class SettlePolicy(TimeSpan settleAfterRecovery, TimeProvider time)
{
    private DateTimeOffset settleUntil = DateTimeOffset.MinValue;
    private IReadOnlyList<GatewayEndpoint>? published;

    /// <summary>How long the current settle period still runs; zero when none does.</summary>
    public TimeSpan Remaining => settleUntil - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Consul answers again after failing, or an agent restarted: hold what is published for a while.</summary>
    public void Recovered() => settleUntil = time.GetUtcNow() + settleAfterRecovery;

    /// <summary>The upstream to publish for <paramref name="passing"/>, or null when it is what was published already.</summary>
    public IReadOnlyList<GatewayEndpoint>? Next(IReadOnlyList<GatewayEndpoint> passing)
    {
        var next = (Remaining > TimeSpan.Zero && published is not null ? passing.UnionBy(published, g => g.Id) : passing)
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
