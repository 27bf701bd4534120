using System.Net.Http.Json;
using System.Text.Json;

namespace Autopilot.Stack.Containers;

/// <summary>
/// The three Consul servers of a compose project (consul-1..3), as an operator looks at them: the Raft peers and the leader
/// (<c>consul operator raft list-peers</c> inside a server), and a service's passing instances with the node that holds
/// each (Consul's HTTP API on a server's container address, with the management token of deploy/.secrets).
/// </summary>
public sealed class ConsulQuorum(ComposeProject project, IReadOnlyDictionary<string, string> servers)
{
    public static readonly string[] Nodes = ["consul-1", "consul-2", "consul-3"];

    /// <summary>Node name → container id.</summary>
    public IReadOnlyDictionary<string, string> Servers { get; } = servers;

    public static async Task<ConsulQuorum> Of(ComposeProject project)
    {
        var servers = new Dictionary<string, string>();
        foreach (var node in Nodes)
        {
            servers[node] = (await project.Containers(node)).Single();
        }

        return new ConsulQuorum(project, servers);
    }

    /// <summary>The Raft peers as <paramref name="via"/> sees them: node, state (leader, follower) and whether it votes.</summary>
    public async Task<IReadOnlyList<(string Node, string State, bool Voter)>> Peers(string via)
    {
        var (code, output, _) = await project.Engine.Try(TimeSpan.FromSeconds(30),
            "exec", Servers[via], "consul", "operator", "raft", "list-peers", "-token-file=/run/secrets/consul_master_token");
        if (code != 0)
        {
            return [];
        }

        // Node  ID  Address  State  Voter  RaftProtocol
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length >= 5)
            .Select(columns => (columns[0], columns[3], columns[4] == "true"))];
    }

    /// <summary>The leader as <paramref name="via"/> sees it, or null while there is none (or it does not answer).</summary>
    public async Task<string?> Leader(string via) => (await Peers(via)).FirstOrDefault(p => p.State == "leader").Node;

    /// <summary>The leader as the first server that names one sees it, or null while none does.</summary>
    public async Task<string?> Leader()
    {
        foreach (var node in Nodes)
        {
            if (await Leader(node) is { } leader)
            {
                return leader;
            }
        }

        return null;
    }

    /// <summary>The passing silos, gateways and edge as <paramref name="via"/> answers.</summary>
    public async Task<Registrations> PassingHosts(string via) =>
        new(await Passing(via, "silo"), await Passing(via, "gateway"), await Passing(via, "edge"));

    /// <summary>The passing instances of <paramref name="service"/> as <paramref name="via"/> answers: each service ID with the node that holds it.</summary>
    public async Task<IReadOnlyList<(string Id, string Node)>> Passing(string via, string service)
    {
        var address = await project.Engine.Address(Servers[via]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{address}:8500"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Consul-Token", project.ConsulManagementToken);
        var entries = await http.GetFromJsonAsync<JsonElement[]>($"/v1/health/service/{service}?passing=true") ?? [];
        return [.. entries.Select(e => (e.GetProperty("Service").GetProperty("ID").GetString() ?? "", e.GetProperty("Node").GetProperty("Node").GetString() ?? ""))];
    }
}

/// <summary>Passing instances by service, each service ID with the node that holds it.</summary>
public sealed record Registrations(IReadOnlyList<(string Id, string Node)> Silos, IReadOnlyList<(string Id, string Node)> Gateways, IReadOnlyList<(string Id, string Node)> Edge)
{
    public IEnumerable<(string Id, string Node)> All => Silos.Concat(Gateways).Concat(Edge);

    public override string ToString() =>
        string.Join("; ", new[] { ("silo", Silos), ("gateway", Gateways), ("edge", Edge) }.Select(s => $"{s.Item1}: {string.Join(", ", s.Item2.Select(i => $"{i.Id} on {i.Node}"))}"));
}
