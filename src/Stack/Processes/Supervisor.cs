using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Processes;

/// <summary>
/// Runs one process of the local stack and keeps it running (<see cref="RestartPolicy"/>), as a container engine would;
/// it is the <c>supervise</c> verb of this program, started by <see cref="PartProcesses.Start"/> as the leader of a session
/// of its own, with its output going to the part's log. It writes the running child's pid to the part's pid file, and
/// when it gives up, the last exit code to its exit file. A stop marker (a <c>stop</c>, <c>kill</c> or <c>down</c> asked
/// for the exit) means: do not start it again. A SIGTERM to the supervisor itself is passed on to the child. The child
/// writes to the log file directly, so it outlives a supervisor that is killed.
/// </summary>
public sealed class Supervisor(string name, RunFolder run, string program, IReadOnlyList<string> arguments)
{
    private readonly RestartPolicy policy = new();
    private Process? child;

    public async Task<int> RunAsync()
    {
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        int code;
        while (true)
        {
            var clock = Stopwatch.StartNew();
            var start = new ProcessStartInfo(program) { UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using (var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}"))
            {
                child = process;
                await File.WriteAllTextAsync(run.PidFile(name), $"{process.Id}\n");
                await process.WaitForExitAsync();
                code = process.ExitCode;
                child = null;
            }

            if (Stopped)
            {
                break;
            }

            if (policy.After(code, clock.Elapsed) is not { } wait)
            {
                Note($"exited with code {code} (bad configuration); not restarting it");
                break;
            }

            Note($"exited with code {code}; restarting it in {wait.TotalSeconds:0} s (restart {policy.Restarts})");
            var until = Stopwatch.StartNew();
            while (until.Elapsed < wait && !Stopped)
            {
                await Task.Delay(100);
            }

            if (Stopped)
            {
                break;
            }
        }

        await File.WriteAllTextAsync(run.ExitFile(name), $"{code.ToString(CultureInfo.InvariantCulture)}\n");
        return 0;
    }

    private bool Stopped => File.Exists(run.StopMarker(name));

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        File.WriteAllText(run.StopMarker(name), "");
        if (child is { } process)
        {
            Signals.TrySend(process.Id, Signals.SigTerm);
        }
    }

    // The log's lines of the supervisor itself; `status` reads the last one of a part that is restarting.
    private void Note(string what) =>
        Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {SupervisorTag}: {name} {what}");

    public const string SupervisorTag = "autopilot-supervisor";
}
