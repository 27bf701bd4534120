using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Autopilot.Edge;

/// <summary>
/// Runs nginx as the edge's child, as its supervisor: started through setsid (a process group of its own) once its
/// configuration passes <c>nginx -t</c>; SIGTERM to the edge becomes a graceful SIGQUIT; SIGHUP to the edge is passed on
/// as a reload; and when nginx dies, its whole group goes with it and the edge stops with exit code 1.
/// </summary>
public sealed partial class NginxProcess(
    NginxFiles files,
    NginxCommand command,
    NginxReloadVerifier verifier,
    EdgeOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<NginxProcess> logger) : IHostedService, IDisposable
{
    private Process? nginx;
    private PosixSignalRegistration? hangup;
    private volatile bool stopping;
    private int disposed;

    public bool Running => nginx is { HasExited: false };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await files.PrepareAsync(cancellationToken);
        var (valid, output) = await command.TestAsync(cancellationToken);
        if (!valid)
        {
            throw new InvalidOperationException($"nginx refuses the rendered configuration {files.MainConf}: {output}");
        }

        if (!File.Exists(Posix.SetsidBinary))
        {
            throw new InvalidOperationException($"{Posix.SetsidBinary} is missing (package util-linux); the edge starts nginx through it.");
        }

        // setsid makes nginx the leader of a process group of its own (it execs in place: same pid), which its workers
        // share even once orphaned, so that a master killed from outside can be followed by its whole group.
        var start = new ProcessStartInfo(Posix.SetsidBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Arguments("daemon off;").Prepend(command.Binary))
        {
            start.ArgumentList.Add(argument);
        }

        nginx = new Process { StartInfo = start, EnableRaisingEvents = true };
        nginx.OutputDataReceived += (_, e) => Output(e.Data);
        nginx.ErrorDataReceived += (_, e) => Output(e.Data);
        nginx.Exited += (_, _) => OnExited();
        nginx.Start();
        nginx.BeginOutputReadLine();
        nginx.BeginErrorReadLine();
        if (!await verifier.InEffectAsync(generation: 0, oldWorkers: [], () => Running, cancellationToken))
        {
            throw new InvalidOperationException($"nginx did not answer on {options.Listen} within 5 s of starting; see {Path.Combine(files.Run, "error.log")}.");
        }

        hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload("SIGHUP to the edge");
        });
        LogStarted(logger, command.Binary, options.Listen, files.MainConf, nginx.Id);
    }

    /// <summary>Asks nginx to load its configuration again (SIGHUP); false if it does not run.</summary>
    public bool Reload(string why)
    {
        if (nginx is not { HasExited: false } process || !Posix.Signal(process.Id, Posix.SigHup))
        {
            return false;
        }

        LogReloaded(logger, why);
        return true;
    }

    /// <summary>The worker processes that serve now; after a reload, the ones that must go.</summary>
    public IReadOnlyList<int> Workers() => nginx is { HasExited: false } process ? Posix.Children(process.Id) : [];

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        stopping = true;
        if (nginx is not { HasExited: false } process)
        {
            return;
        }

        // SIGQUIT: nginx finishes the requests it has, then exits.
        Posix.Signal(process.Id, Posix.SigQuit);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
            LogStopped(logger);
        }
        catch (OperationCanceledException)
        {
            Posix.SignalGroup(process.Id, Posix.SigKill);
        }
    }

    /// <summary>Idempotent: the container disposes this once per service type it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping = true;
        hangup?.Dispose();
        if (nginx is { HasExited: false })
        {
            Posix.SignalGroup(nginx.Id, Posix.SigKill);
        }

        nginx?.Dispose();
    }

    private void Output(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            LogNginx(logger, line);
        }
    }

    private void OnExited()
    {
        if (stopping)
        {
            return;
        }

        // A killed master leaves its workers behind, still holding the port: end its whole process group.
        Posix.SignalGroup(nginx!.Id, Posix.SigKill);

        LogDied(logger, nginx!.ExitCode);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started nginx ({Binary}) on {Listen} with {Config}, pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string binary, string listen, string config, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded nginx: {Why}")]
    private static partial void LogReloaded(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "nginx: {Line}")]
    private static partial void LogNginx(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Critical, Message = "nginx exited with code {Code}; the edge stops with it")]
    private static partial void LogDied(ILogger logger, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "nginx stopped gracefully")]
    private static partial void LogStopped(ILogger logger);
}
