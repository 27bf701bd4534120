using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Autopilot.Edge;

/// <summary>
/// Runs nginx as a child process (the edge is its supervisor: SIGTERM becomes a graceful SIGQUIT, SIGHUP is passed
/// on, and the edge exits when nginx dies) and applies upstream changes safely: the new file replaces the old by
/// rename, <c>nginx -t</c> checks it, and only then is nginx reloaded; a refused file is rolled back.
/// </summary>
public sealed partial class NginxSink(
    EdgeOptions options,
    NginxBinary binary,
    EdgeStatus status,
    IHostApplicationLifetime lifetime,
    ILogger<NginxSink> logger) : IUpstreamSink, IHostedService, IDisposable
{
    private readonly SemaphoreSlim applying = new(1, 1);
    private Process? nginx;
    private PosixSignalRegistration? hangup;
    private readonly HttpClient probe = new() { Timeout = TimeSpan.FromSeconds(1) };
    private IReadOnlyList<GatewayEndpoint> current = [];
    private int generation;
    private volatile bool stopping;
    private int disposed;

    public string Name => "nginx";

    public bool Running => nginx is { HasExited: false };

    private string Run => Path.GetFullPath(options.RunDirectory);

    private string MainConf => Path.Combine(Run, "nginx.conf");

    private string Upstreams => Path.Combine(Run, "gateways.conf");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.Template))
        {
            throw new OptionsValidationException(EdgeOptions.Section, typeof(EdgeOptions), [$"{EdgeOptions.Section}:Template '{options.Template}' does not exist."]);
        }

        foreach (var folder in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(Run, "tmp", folder));
        }

        var template = await File.ReadAllTextAsync(options.Template, cancellationToken);
        await File.WriteAllTextAsync(MainConf, template.Replace("__RUN__", Run, StringComparison.Ordinal).Replace("__LISTEN__", options.Listen, StringComparison.Ordinal), cancellationToken);
        await File.WriteAllTextAsync(Upstreams, NginxUpstream.Render([], generation), cancellationToken);
        var (valid, output) = await TestAsync(cancellationToken);
        if (!valid)
        {
            throw new InvalidOperationException($"nginx refuses the rendered configuration {MainConf}: {output}");
        }

        if (!File.Exists(Posix.SetsidBinary))
        {
            throw new InvalidOperationException($"{Posix.SetsidBinary} is missing (package util-linux); the edge starts nginx through it.");
        }

        // setsid makes nginx the leader of a process group of its own (it execs in place: same pid), which its workers
        // share even once orphaned, so that a master killed from outside can be followed by its whole group.
        var start = new ProcessStartInfo(Posix.SetsidBinary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments("daemon off;").Prepend(binary.Path))
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
        if (!await InEffectAsync([], cancellationToken))
        {
            throw new InvalidOperationException($"nginx did not answer on {options.Listen} within 5 s of starting; see {Path.Combine(Run, "error.log")}.");
        }

        hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload("SIGHUP to the edge");
        });
        LogStarted(logger, binary.Path, options.Listen, MainConf, nginx.Id);
    }

    public async Task<bool> ApplyAsync(IReadOnlyList<GatewayEndpoint> gateways, CancellationToken cancellationToken)
    {
        await applying.WaitAsync(cancellationToken);
        try
        {
            foreach (var unsafeGateway in gateways.Where(g => !NginxUpstream.IsSafe(g)))
            {
                LogUnsafe(logger, unsafeGateway.Id, unsafeGateway.ToString());
            }

            if (gateways.SequenceEqual(current))
            {
                return true;
            }

            var rendered = NginxUpstream.Render(gateways, generation + 1);

            var candidate = Upstreams + ".new";
            await File.WriteAllTextAsync(candidate, rendered, cancellationToken);
            File.Copy(Upstreams, Upstreams + ".prev", overwrite: true);
            File.Move(candidate, Upstreams, overwrite: true);
            var (valid, output) = await TestAsync(cancellationToken);
            if (!valid)
            {
                File.Move(Upstreams + ".prev", Upstreams, overwrite: true);
                LogRefused(logger, output);
                status.Refused(output);
                return false;
            }

            generation++;
            current = gateways;
            var oldWorkers = Posix.Children(nginx!.Id);
            return Reload($"{gateways.Count} gateway(s) from Consul, generation {generation}") && await InEffectAsync(oldWorkers, cancellationToken);
        }
        finally
        {
            applying.Release();
        }
    }

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
        probe.Dispose();
        applying.Dispose();
    }

    /// <summary>
    /// Waits (bounded) until new connections are served by workers that loaded the current generation, and the old
    /// workers have exited: they close idle keep-alive connections at once and finish the requests they hold, so
    /// afterwards no connection is served with the previous upstream.
    /// </summary>
    private async Task<bool> InEffectAsync(IReadOnlyList<int> oldWorkers, CancellationToken cancellationToken)
    {
        var host = options.ListenHost is "0.0.0.0" or "*" or "[::]" ? "127.0.0.1" : options.ListenHost;
        var expected = $"\"generation\":{generation}}}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}:{options.ListenPort}/health");
                request.Headers.ConnectionClose = true;
                using var response = await probe.SendAsync(request, cancellationToken);
                if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains(expected, StringComparison.Ordinal)
                    && oldWorkers.All(pid => !Posix.Exists(pid)))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // nginx is between workers; ask again.
            }

            await Task.Delay(20, cancellationToken);
        }

        LogNotInEffect(logger, generation);
        return nginx is { HasExited: false };
    }

    private bool Reload(string why)
    {
        if (nginx is not { HasExited: false } process || !Posix.Signal(process.Id, Posix.SigHup))
        {
            return false;
        }

        LogReloaded(logger, why);
        return true;
    }

    private async Task<(bool Valid, string Output)> TestAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments(null).Prepend("-q").Prepend("-t"))
        {
            start.ArgumentList.Add(argument);
        }

        using var test = Process.Start(start)!;
        var error = await test.StandardError.ReadToEndAsync(cancellationToken);
        await test.WaitForExitAsync(cancellationToken);
        return (test.ExitCode == 0, error.Trim());
    }

    private IEnumerable<string> Arguments(string? global)
    {
        // As root, nginx's workers would switch to "nobody", who cannot write the run folder: keep the current user.
        var user = Environment.UserName == "root" ? "user root;" : null;
        var directives = string.Join(' ', new[] { global, user }.Where(d => d is not null));
        return directives.Length > 0 ? ["-p", Run + "/", "-c", MainConf, "-g", directives] : ["-p", Run + "/", "-c", MainConf];
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

    [LoggerMessage(Level = LogLevel.Error, Message = "nginx -t refused the new upstream, so the previous one stays: {Output}")]
    private static partial void LogRefused(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left gateway {Id} out of nginx's upstream: '{Endpoint}' is not an IP address or host name")]
    private static partial void LogUnsafe(ILogger logger, string id, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "nginx did not show generation {Generation} on /health within 5 s of the reload")]
    private static partial void LogNotInEffect(ILogger logger, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "nginx: {Line}")]
    private static partial void LogNginx(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Critical, Message = "nginx exited with code {Code}; the edge stops with it")]
    private static partial void LogDied(ILogger logger, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "nginx stopped gracefully")]
    private static partial void LogStopped(ILogger logger);
}
