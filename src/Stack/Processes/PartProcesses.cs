using System.Diagnostics;
using System.Globalization;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Processes;

/// <summary>
/// The processes of one local stack, as its run folder knows them. Each part runs under its own <see cref="Supervisor"/>,
/// which leads a session of its own and carries <c>AUTOPILOT_PART</c> in its environment. A pid file outlives its process,
/// and once pids wrap around its number may belong to anything else: a process counts as the stack's only if it is that
/// supervisor, or is in the session that supervisor leads, so a stale pid file never makes <c>up</c> skip a part or
/// <c>stop</c> signal a stranger.
/// </summary>
public sealed class PartProcesses(RunFolder run)
{
    public const string PartVariable = "AUTOPILOT_PART";

    /// <summary>How long a part is given to exit after SIGTERM before SIGKILL; longer than a host's own drain.</summary>
    public static readonly TimeSpan StopGrace = Hosting.Deadlines.StopGrace;

    public RunFolder Run { get; } = run;

    public int? Pid(string name) => ReadNumber(Run.PidFile(name));

    public int? SupervisorPid(string name) => ReadNumber(Run.SupervisorFile(name));

    /// <summary>The exit code with which the part's supervisor gave up on it, if it did.</summary>
    public int? ExitCode(string name) => ReadNumber(Run.ExitFile(name));

    /// <summary>The supervisor that keeps <paramref name="name"/> running is there.</summary>
    public bool Supervised(string name) =>
        SupervisorPid(name) is { } supervisor && Signals.Running(supervisor) && Signals.HasEnvironment(supervisor, $"{PartVariable}={Run.PartTag(name)}");

    /// <summary>The part's own process runs (its supervisor may have been killed: the session keeps its number).</summary>
    public bool Alive(string name) =>
        Pid(name) is { } pid && SupervisorPid(name) is { } supervisor && Signals.Running(pid) && Signals.Session(pid) == supervisor &&
        (!Signals.Running(supervisor) || Supervised(name));

    /// <summary>The part belongs to the stack now: its process runs, or its supervisor does (and starts it again).</summary>
    public bool Present(string name) => Supervised(name) || Alive(name);

    /// <summary>The instances of <paramref name="kind"/> this run folder has started, in order of their number.</summary>
    public IReadOnlyList<string> Names(PartKind kind)
    {
        var prefix = $"{kind.ToString().ToLowerInvariant()}-";
        return !Directory.Exists(Run.Pids)
            ? []
            : [.. Directory.EnumerateFiles(Run.Pids, $"{prefix}*.cmd")
                .Select(f => Path.GetFileNameWithoutExtension(f))
                .Where(n => int.TryParse(n.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderBy(n => int.Parse(n.AsSpan(prefix.Length), CultureInfo.InvariantCulture))];
    }

    /// <summary>
    /// Starts <paramref name="part"/> under a supervisor of its own, its output appended to its log, with the part's
    /// environment and <paramref name="secrets"/> where the environment of this command has no value of its own for them.
    /// </summary>
    public async Task Start(PartSpec part, IReadOnlyDictionary<string, string>? secrets = null)
    {
        if (Supervised(part.Name))
        {
            throw new StackException($"{part.Name} is already running (pid {Pid(part.Name)})");
        }

        Directory.CreateDirectory(Run.Pids);
        Directory.CreateDirectory(Run.Logs);
        foreach (var file in new[] { Run.PidFile(part.Name), Run.StopMarker(part.Name), Run.ExitFile(part.Name) })
        {
            File.Delete(file);
        }

        // setsid: the supervisor leads a session of its own (it execs in place, so its pid is the one Process reports);
        // bash points its output at the log before it becomes the supervisor, so nothing holds this command's own output.
        // bash, not sh: Debian's sh (dash) drops every variable whose name is not a shell identifier from the environment it
        // passes on, and .NET's configuration keys name logging categories with dots
        // (Logging__LogLevel__Orleans.Runtime.Placement=Trace never reached a part).
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in (string[])["bash", "-c", "exec \"$0\" \"$@\" >>\"$AUTOPILOT_LOG\" 2>&1 </dev/null",
            Environment.ProcessPath ?? "dotnet", typeof(PartProcesses).Assembly.Location, "supervise", part.Name, "--run", Run.Root,
            "--", part.Program, .. part.Arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in part.Environment.Concat(secrets ?? new Dictionary<string, string>()))
        {
            if (!start.Environment.ContainsKey(key))
            {
                start.Environment[key] = value;
            }
        }

        start.Environment[PartVariable] = Run.PartTag(part.Name);
        start.Environment["AUTOPILOT_LOG"] = Run.LogFile(part.Name);
        using var supervisor = Process.Start(start) ?? throw new StackException($"could not start the supervisor of {part.Name}");
        await File.WriteAllTextAsync(Run.SupervisorFile(part.Name), $"{supervisor.Id}\n");
        await File.WriteAllTextAsync(Run.CommandFile(part.Name), $"{part.Program} {string.Join(' ', part.Arguments)}\n");
        var waited = Stopwatch.StartNew();
        while (Pid(part.Name) is null && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Marks <paramref name="name"/> as stopped on purpose (its supervisor does not start it again), sends
    /// <paramref name="signal"/>, waits up to <see cref="StopGrace"/> for the exit and SIGKILLs it after that.
    /// </summary>
    public async Task SignalAndWait(string name, int signal, Action<string> say)
    {
        Directory.CreateDirectory(Run.Pids);
        await File.WriteAllTextAsync(Run.StopMarker(name), "");
        if (Alive(name) && Pid(name) is { } pid)
        {
            Signals.TrySend(pid, signal);
            var waited = Stopwatch.StartNew();
            while (Signals.Running(pid) && waited.Elapsed < StopGrace)
            {
                await Task.Delay(250);
            }

            if (Signals.Running(pid))
            {
                say($"{name} did not stop within {StopGrace.TotalSeconds:0} s; killing it");
                Signals.TrySend(pid, Signals.SigKill);
            }
        }

        var supervisorWait = Stopwatch.StartNew();
        while (Supervised(name) && supervisorWait.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(250);
        }

        foreach (var file in new[] { Run.PidFile(name), Run.CommandFile(name), Run.SupervisorFile(name) })
        {
            File.Delete(file);
        }
    }

    /// <summary>SIGKILL: a crash, no deregistration, no drain. Unless <paramref name="restart"/>, its supervisor leaves it down.</summary>
    public async Task Kill(string name, bool restart)
    {
        if (!restart)
        {
            await File.WriteAllTextAsync(Run.StopMarker(name), "");
        }

        if (Pid(name) is { } pid)
        {
            Signals.TrySend(pid, Signals.SigKill);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the part's log.</summary>
    public string Tail(string name, int lines = 20) =>
        File.Exists(Run.LogFile(name)) ? string.Join('\n', File.ReadLines(Run.LogFile(name)).TakeLast(lines)) : "(no log)";

    private static int? ReadNumber(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
