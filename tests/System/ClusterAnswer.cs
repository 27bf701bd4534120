namespace Autopilot.SystemTests;

/// <summary>The JSON of <c>GET /cluster</c>, as a client reads it.</summary>
internal sealed record ClusterAnswer(string Gateway, string ClusterId, List<SiloAnswer> Silos, string? Consul = null)
{
    public IEnumerable<string> Active => Silos.Where(s => s.Status == "Active").Select(s => s.Name);

    public override string ToString() => $"gateway {Gateway}: " + string.Join(", ", Silos.Select(s => $"{s.Name} {s.Status}"));
}

internal sealed record SiloAnswer(string Address, string Name, string Status, int? Activations);
