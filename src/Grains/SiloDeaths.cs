namespace Autopilot.Grains;

/// <summary>
/// When this silo first saw each silo of its membership view dead, so that the cluster's view shows the live silos and the
/// recent deaths, and leaves older dead rows (of silos killed long ago, or of earlier runs kept in Consul's data) to the
/// page's timeline. A silo dead when first seen here counts as long dead. One per silo (a singleton); its clock is injected.
/// </summary>
public sealed class SiloDeaths(TimeProvider time)
{
    /// <summary>How long a death stays in the view.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(5);

    private static readonly DateTimeOffset Alive = DateTimeOffset.MaxValue;
    private static readonly DateTimeOffset LongDead = DateTimeOffset.MinValue;
    private readonly Dictionary<SiloAddress, DateTimeOffset> seen = [];

    /// <summary>Whether <paramref name="member"/> belongs in the view: not dead, or dead for less than <see cref="Recent"/>.</summary>
    public bool Shown(ClusterMember member)
    {
        var now = time.GetUtcNow();
        var dead = member.Status == SiloStatus.Dead;
        lock (seen)
        {
            if (!seen.TryGetValue(member.SiloAddress, out var since))
            {
                since = dead ? LongDead : Alive;
            }
            else if (dead && since == Alive)
            {
                since = now;
            }

            seen[member.SiloAddress] = since;
            return !dead || (since != LongDead && now - since < Recent);
        }
    }
}
