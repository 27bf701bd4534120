namespace Autopilot.Grains;

/// <summary>
/// How this silo saw each silo of its membership view end: when it first saw it dead, and whether it left (it was seen
/// shutting down first) or died (declared dead by the others). The cluster's view shows the live silos and the recent
/// ends, and leaves older dead rows (of silos gone long ago, or of earlier runs kept in Consul's data) to the page's
/// timeline. A silo already dead when first seen here (this silo joined after it ended) is taken to have ended when it
/// started, the latest time known for certain before its end: so every silo shows a recent death alike, whichever answers,
/// and rows of silos started long ago leave the view. Fed by every membership change this silo sees (the silo's
/// MembershipWatcher) and by every view it answers; one per silo, its clock injected.
/// </summary>
public sealed class SiloDeaths(TimeProvider time)
{
    /// <summary>How long an end stays in the view.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(5);

    // Orleans numbers a silo's generation in seconds since 2022-01-01 (SiloAddress.AllocateNewGeneration): its start.
    private static readonly DateTimeOffset GenerationEpoch = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Alive = DateTimeOffset.MaxValue;
    private readonly Dictionary<SiloAddress, Seen> seen = [];

    /// <summary>Notes <paramref name="member"/>'s status as this silo sees it now.</summary>
    public void Observe(ClusterMember member) => Record(member);

    /// <summary>Whether <paramref name="member"/> belongs in the view: not dead, or dead for less than <see cref="Recent"/>.</summary>
    public bool Shown(ClusterMember member)
    {
        var record = Record(member);
        return member.Status != SiloStatus.Dead || time.GetUtcNow() - record.DeadSince < Recent;
    }

    /// <summary>How <paramref name="silo"/> ended, as far as this silo saw: <c>left</c>, <c>died</c>, or null while it lives or if unknown.</summary>
    public string? Ending(SiloAddress silo)
    {
        lock (seen)
        {
            return seen.TryGetValue(silo, out var record) && record.DeadSince != Alive ? (record.Leaving ? "left" : "died") : null;
        }
    }

    /// <summary>
    /// Whether this silo saw <paramref name="silo"/> die: it saw it before its end, then dead, and never shutting down. A silo
    /// already dead when first seen is not known to have died: it ended before this silo started, as the rows of a stack
    /// stopped with <c>./autopilot down</c> are when it comes up again with Consul's data kept.
    /// </summary>
    public bool SawDie(SiloAddress silo)
    {
        lock (seen)
        {
            return seen.TryGetValue(silo, out var record) && record.DeadSince != Alive && !record.Leaving && !record.DeadWhenFirstSeen;
        }
    }

    private Seen Record(ClusterMember member)
    {
        var dead = member.Status == SiloStatus.Dead;
        lock (seen)
        {
            var record = seen.TryGetValue(member.SiloAddress, out var known)
                ? known
                : new Seen(dead ? GenerationEpoch.AddSeconds(member.SiloAddress.Generation) : Alive, Leaving: false, DeadWhenFirstSeen: dead);
            if (dead && record.DeadSince == Alive)
            {
                record = record with { DeadSince = time.GetUtcNow() };
            }
            else if (member.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping)
            {
                record = record with { Leaving = true };
            }

            seen[member.SiloAddress] = record;
            return record;
        }
    }

    // DeadSince: Alive while alive; for a silo dead when first seen, its start.
    private sealed record Seen(DateTimeOffset DeadSince, bool Leaving, bool DeadWhenFirstSeen);
}
