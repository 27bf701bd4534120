using System.Globalization;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// A nemesis: cuts a container of the test's own compose project off from others with iptables rules inside the network
/// namespaces of both sides (entered from the host with nsenter), and heals on dispose, whatever happened meanwhile. Only
/// containers the test started, on the network it created, are touched.
/// </summary>
public sealed class Partition : IAsyncDisposable
{
    private readonly ContainerEngine engine;
    private readonly List<(string Container, string[] Rule)> rules = [];

    private Partition(ContainerEngine engine) => this.engine = engine;

    /// <summary>What was cut, for messages: e.g. <c>172.20.0.5 from 172.20.0.6, 172.20.0.7 (both ways)</c>.</summary>
    public string Description { get; private set; } = "";

    /// <summary>
    /// Cuts <paramref name="container"/> from each of <paramref name="others"/>: they drop what it sends them and, both
    /// ways, send it nothing (one way, it still hears them); the same rules stand in its own namespace, keyed by their
    /// addresses, since Docker gives a restarted container a new address.
    /// </summary>
    public static async Task<Partition> Cut(ContainerEngine engine, string container, IReadOnlyList<string> others, bool bothWays = true)
    {
        var partition = new Partition(engine);
        var address = await Address(engine, container);
        var addresses = new List<string>();
        try
        {
            foreach (var other in others)
            {
                var peer = await Address(engine, other);
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
            var (running, pid) = await Running(engine, container);
            if (!running)
            {
                continue;
            }

            var (code, output, error) = await Command.Try("/usr/bin/nsenter", ["-t", $"{pid}", "-n", "iptables", "-w", "-C", .. rule], TimeSpan.FromSeconds(30));
            if (code != 0)
            {
                continue; // a new namespace: the rule went with the old one
            }

            (code, output, error) = await Command.Try("/usr/bin/nsenter", ["-t", $"{pid}", "-n", "iptables", "-w", "-D", .. rule], TimeSpan.FromSeconds(30));
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

    private static async Task<(bool Running, int Pid)> Running(ContainerEngine engine, string container)
    {
        var state = (await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.State.Running}} {{.State.Pid}}", container)).Trim().Split(' ');
        return (state[0] == "true", int.Parse(state[1], CultureInfo.InvariantCulture));
    }

    private static async Task<string> Address(ContainerEngine engine, string container) =>
        (await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)).Trim();

    private async Task Add(string container, string[] rule)
    {
        var (_, pid) = await Running(engine, container);
        await Command.Run("/usr/bin/nsenter", ["-t", $"{pid}", "-n", "iptables", "-w", "-I", .. rule], TimeSpan.FromSeconds(30));
        rules.Add((container, rule));
    }
}
