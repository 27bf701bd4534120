using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Containers;

/// <summary>
/// A nemesis: cuts a container of a compose project off from others with iptables rules inside the network namespaces of
/// both sides (entered from the host with nsenter), holds through their restarts while asked to (<see cref="KeepUntil"/>),
/// and heals on dispose, whatever happened meanwhile. Only containers of the caller's own project, on the network it
/// created, are touched.
/// </summary>
public sealed class Partition : IAsyncDisposable
{
    private const int RemoveAttempts = 5;
    private static readonly TimeSpan RuleTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RestartWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(0.5);
    private readonly DockerEngine engine;
    private readonly List<(string Container, string[] Rule)> rules = [];
    private (string Container, IReadOnlyList<string> Others, bool BothWays, IReadOnlyDictionary<string, int> Pids)? sides;

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
        // A side that restarts while it is being cut (a silo that a fault before ended: its supervisor starts it again) has
        // a new namespace, and perhaps a new address, that the rules added so far miss: heal what was added and cut again,
        // within RestartWait; a side that is not running yet is waited for as well.
        var until = DateTime.UtcNow + RestartWait;
        for (var attempt = 1; ; attempt++)
        {
            var partition = new Partition(engine);
            try
            {
                var before = await engine.Processes([container, .. others]);
                if (await partition.AddAllFor(before, container, others, bothWays) is { } description)
                {
                    partition.Description = description;
                    partition.sides = (container, others, bothWays, before);
                    return partition;
                }
            }
            catch
            {
                await partition.DisposeAsync();
                throw;
            }

            await partition.DisposeAsync();
            var states = string.Join(", ", (await engine.Processes([container, .. others])).Select(p => $"{p.Key[..Math.Min(12, p.Key.Length)]} {(p.Value > 0 ? $"pid {p.Value}" : "not running")}"));
            if (DateTime.UtcNow > until)
            {
                throw new InvalidOperationException(
                    $"cutting {container} failed {attempt} time(s) in {RestartWait.TotalSeconds:0} s: a side was not running, or restarted while its rules went in ({states})");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    // Adds every rule of the cut while its sides run as pids says: the cut's description, or null when a side was not
    // running, or restarted while its rules went in (the rules added so far stay listed, for the heal).
    private async Task<string?> AddAllFor(IReadOnlyDictionary<string, int> pids, string container, IReadOnlyList<string> others, bool bothWays)
    {
        if (pids.Values.Any(pid => pid == 0))
        {
            return null;
        }

        try
        {
            var description = await AddAll(container, others, bothWays);
            return (await engine.Processes([container, .. others])).SequenceEqual(pids) ? description : null;
        }
        catch (SideRestartedException)
        {
            return null;
        }
    }

    private async Task<string> AddAll(string container, IReadOnlyList<string> others, bool bothWays)
    {
        var address = await engine.Address(container);
        var addresses = new List<string>();
        foreach (var other in others)
        {
            var peer = await engine.Address(other);
            addresses.Add(peer);
            await Add(other, ["INPUT", "-s", address, "-j", "DROP"]);
            await Add(container, ["OUTPUT", "-d", peer, "-j", "DROP"]);
            if (bothWays)
            {
                await Add(other, ["OUTPUT", "-d", address, "-j", "DROP"]);
                await Add(container, ["INPUT", "-s", peer, "-j", "DROP"]);
            }
        }

        return $"{address} from {string.Join(", ", addresses)} ({(bothWays ? "both ways" : "one way: it still hears them")})";
    }

    /// <summary>
    /// Keeps the cut in place until <paramref name="until"/> ends, as a network fault between hosts stays whatever runs on
    /// them: a side that restarts meanwhile (a silo that ended itself, started again by its restart policy) comes back in a
    /// new namespace, perhaps at a new address, that the rules added so far miss, and it is cut again once it runs. Returns
    /// how many times the cut was made again. Checks every <see cref="FollowEvery"/>, with one <c>docker inspect</c>.
    /// </summary>
    public async Task<int> KeepUntil(Task until)
    {
        var (container, others, bothWays, pids) = sides ?? throw new InvalidOperationException("the partition is not in place");
        var again = 0;
        while (await Task.WhenAny(until, Task.Delay(FollowEvery)) != until)
        {
            // Unchanged, or not cut this time (a side not running yet, or restarted again while its rules went in): the next
            // check cuts it.
            var now = await engine.Processes([container, .. others]);
            if (!now.SequenceEqual(pids) && await AddAllFor(now, container, others, bothWays) is not null)
            {
                pids = now;
                again++;
            }
        }

        sides = (container, others, bothWays, pids);
        await until;
        return again;
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
            if (await Remove(container, rule) is { } failure)
            {
                failures.Add(failure);
            }
        }

        rules.Clear();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"healing the partition failed:\n{string.Join('\n', failures)}");
        }
    }

    // Removes one rule from the container's namespace as it is now: null once it is not there, or why it could not be
    // removed. A side may end while its rule is removed (a cut silo ends itself when the others declare it dead, and its
    // restart policy starts it again): nsenter then finds no process, the rule went with that namespace, and the container
    // is looked at again.
    private async Task<string?> Remove(string container, string[] rule)
    {
        var said = "";
        for (var attempt = 1; attempt <= RemoveAttempts; attempt++)
        {
            var (running, pid) = await engine.State(container);
            if (!running)
            {
                return null;
            }

            var (present, output, error) = await Iptables(pid, "-C", rule);
            if (present == 0)
            {
                var (removed, removeOutput, removeError) = await Iptables(pid, "-D", rule);
                if (removed == 0)
                {
                    return null;
                }

                said = $"{removeOutput}{removeError}".Trim();
            }
            else
            {
                said = $"{output}{error}".Trim();
            }

            if (await engine.State(container) is (true, var now) && now == pid)
            {
                // The same process all along: a failed check means no such rule (a new namespace, without it); a failed
                // removal is a failure.
                return present != 0 ? null : $"{container}: iptables -D {string.Join(' ', rule)}: {said}";
            }
        }

        return $"{container}: iptables -D {string.Join(' ', rule)}: its process changed at each of {RemoveAttempts} attempts ({said})";
    }

    private static Task<(int Code, string Output, string Error)> Iptables(int pid, string verb, string[] rule) =>
        ExternalProgram.Try("/usr/bin/nsenter", ["-t", $"{pid}", "-n", "iptables", "-w", verb, .. rule], RuleTimeout);

    private async Task Add(string container, string[] rule)
    {
        var (_, pid) = await engine.State(container);
        var (code, output, error) = await Iptables(pid, "-I", rule);
        if (code != 0)
        {
            if (await engine.State(container) is not (true, var now) || now != pid)
            {
                throw new SideRestartedException();
            }

            throw new InvalidOperationException($"{container}: iptables -I {string.Join(' ', rule)} exited {code}: {output}{error}".Trim());
        }

        rules.Add((container, rule));
    }

    // A side's process ended or changed while its rules went in: the cut is healed and begun again.
    private sealed class SideRestartedException : Exception;
}
