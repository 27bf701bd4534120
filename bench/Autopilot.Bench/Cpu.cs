using System.Globalization;

namespace Autopilot.Bench;

/// <summary>
/// CPU time read from Linux's /proc. Hand-written: .NET's <see cref="System.Diagnostics.Process"/> reports one process's own
/// time only, while nginx serves from worker processes under its master, and no library here reads the machine's busy share.
/// A reading holds the machine's busy and total time (/proc/stat, all cores) and, for each named process, the time of it and
/// its live descendants (/proc/PID/stat), in seconds. A descendant running another program than its root (nginx under the
/// edge) is counted under its own program's name.
/// </summary>
public sealed record CpuReading(double MachineBusy, double MachineTotal, IReadOnlyDictionary<string, double> Processes)
{
    /// <summary>Linux's USER_HZ, the unit of /proc's CPU times (<c>getconf CLK_TCK</c>: 100 on every architecture .NET runs on).</summary>
    private const double TicksPerSecond = 100;

    public static CpuReading Take(IReadOnlyDictionary<string, int> roots)
    {
        var all = new Dictionary<int, (int Parent, string Program, double Seconds)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat)
            {
                all[pid] = stat;
            }
        }

        var children = all.GroupBy(p => p.Value.Parent).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
        var seconds = new Dictionary<string, double>();
        var counted = new HashSet<int>();
        foreach (var (name, root) in roots)
        {
            if (!all.TryGetValue(root, out var top))
            {
                continue;
            }

            var pending = new Stack<int>([root]);
            while (pending.TryPop(out var pid))
            {
                if (!counted.Add(pid))
                {
                    continue;
                }

                var (_, program, time) = all[pid];
                var under = pid == root || program == top.Program ? name : program;
                seconds[under] = seconds.GetValueOrDefault(under) + time;
                foreach (var child in children.GetValueOrDefault(pid) ?? [])
                {
                    pending.Push(child);
                }
            }
        }

        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is already inside user.
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var idle = ticks[3] + ticks[4];
        return new CpuReading((ticks.Sum() - idle) / TicksPerSecond, ticks.Sum() / TicksPerSecond, seconds);
    }

    public CpuUse Since(CpuReading before) => new(MachineBusy - before.MachineBusy, MachineTotal - before.MachineTotal,
        Processes.ToDictionary(p => p.Key, p => p.Value - before.Processes.GetValueOrDefault(p.Key)));

    /// <summary>The parent, program name and CPU seconds (user and system) of a live process; null once it is gone.</summary>
    private static (int Parent, string Program, double Seconds)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ... utime stime ...": comm may hold spaces and parentheses, so it ends at the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), text[(open + 1)..close],
            (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
    }
}

/// <summary>CPU seconds spent between two readings: the machine's (busy of all, every core) and each named process's.</summary>
public sealed record CpuUse(double MachineBusy, double MachineTotal, IReadOnlyDictionary<string, double> Processes)
{
    /// <summary>The share of the machine's cores that were busy, whoever used them (the load generator too).</summary>
    public double BusyPercent => MachineTotal > 0 ? MachineBusy / MachineTotal * 100 : double.NaN;

    public double Watched => Processes.Values.Sum();
}
