using System.Net.Http.Json;
using System.Text.Json;

namespace Autopilot.Stack.Model;

/// <summary>The JSON of <c>GET /cluster</c>, as a client reads it.</summary>
public sealed record ClusterAnswer(string Gateway, string ClusterId, List<SiloAnswer> Silos, string? Consul = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IEnumerable<string> Active => Silos.Where(s => s.Status == "Active").Select(s => s.Name);

    /// <summary>What <paramref name="front"/> answers to <c>GET /cluster</c>.</summary>
    public static async Task<ClusterAnswer> Read(HttpClient front) =>
        await front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json) ?? throw new InvalidOperationException("/cluster answered null");

    public override string ToString() => $"gateway {Gateway}: " + string.Join(", ", Silos.Select(s => $"{s.Name} {s.Status}"));
}

public sealed record SiloAnswer(string Address, string Name, string Status, int? Activations);
