using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Containers;

/// <summary>
/// A nemesis: cuts a container of a compose project off from others with iptables rules inside the network namespaces of
/// both sides (entered from the host with nsenter), and heals on dispose, whatever happened meanwhile. Only containers of
/// the caller's own project, on the network it created, are touched.
/// </summary>
public sealed class Partition : IAsyncDisposable
{
    private static readonly TimeSpan RuleTimeout = TimeSpan.FromSeconds(30);
    private readonly DockerEngine engine;
    private readonly List<(string Container, string[] Rule)> rules = [];

    private Partition(DockerEngine engine) => this.engine = engine;

    /// <summary>What was cut, for messages: e.g. <c>172.20.0.5 from 172.20.0.6, 172.20.0.7 (both ways)</c>.</summary>
    public string Description { get; private set; } = "";

    /// <summary>
    /// Cuts <paramref name="container"/> from each of <paramref name="others"/>: they drop what it sends them and, both
    /// ways, send it nothing (one way, it still hears them); the same rules stand in its own namespace, keyed by their
    /// addresses, since Docker gives a restarted container a new address.
    /// </summary>
    public static async Task<Partition> Cut(DockerEngine engine, string container, IReadOnlyList<string> others, bool bothWays = true)
    {
        var partition = new Partition(engine);
        var address = await engine.Address(container);
        var addresses = new List<string>();
        try
        {
            foreach (var other in others)
            {
                var peer = await engine.Address(other);
                addresses.Add(peer);
                await partition.Add(other, ["INPUT", "-s", address, "-j", "DROP"]);
                await partition.Add(container, ["OUTPUT", "-d", peer, "-j", "DROP"]);
                if (bothWays)
                {
                    await partition.Add(other, ["OUTPUT", "-d", address, "-j", "DROP"]);
                    await partition.Add(container, ["INPUT", "-s", peer, "-j", "DROP"]);
                }
            }
        }
        catch
        {
            await partition.DisposeAsync();
            throw;
        }

        partition.Description = $"{address} from {string.Join(", ", addresses)} ({(bothWays ? "both ways" : "one way: it still hears them")})";
        return partition;
    }

    /// <summary>
    /// Removes every rule it added, from each container's namespace as it is now (a container that restarted may have kept
    /// its namespace or have a new one); a container that no longer runs has no rules left to remove.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        foreach (var (container, rule) in Enumerable.Reverse(rules))
        {
            var (running, pid) = await engine.State(container);
            if (!running)
            {
                continue;
            }

            var (code, output, error) = await Iptables(pid, "-C", rule);
            if (code != 0)
            {
                continue; // a new namespace: the rule went with the old one
            }

            (code, output, error) = await Iptables(pid, "-D", rule);
            if (code != 0)
            {
                failures.Add($"{container}: iptables -D {string.Join(' ', rule)}: {output}{error}".Trim());
            }
        }

        rules.Clear();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"healing the partition failed:\n{string.Join('\n', failures)}");
        }
    }

    private static Task<(int Code, string Output, string Error)> Iptables(int pid, string verb, string[] rule) =>
        ExternalProgram.Try("/usr/bin/nsenter", ["-t", $"{pid}", "-n", "iptables", "-w", verb, .. rule], RuleTimeout);

    private async Task Add(string container, string[] rule)
    {
        var (_, pid) = await engine.State(container);
        var (code, output, error) = await Iptables(pid, "-I", rule);
        if (code != 0)
        {
            throw new InvalidOperationException($"{container}: iptables -I {string.Join(' ', rule)} exited {code}: {output}{error}".Trim());
        }

        rules.Add((container, rule));
    }
}
