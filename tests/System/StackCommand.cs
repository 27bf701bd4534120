using System.Diagnostics;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// Drives <c>./autopilot</c> as a user would, with a run folder and ports of its own so that it never meets a
/// stack the user runs. Whatever a test leaves up, <see cref="DisposeAsync"/> takes down.
/// </summary>
internal sealed class StackCommand : IAsyncDisposable
{
    public StackCommand()
    {
        Run = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"stack-{Guid.NewGuid():N}");
        // Below Linux's ephemeral range (32768 and up), so that no outgoing connection of another test holds one of its ports.
        BasePort = 10000 + (Random.Shared.Next(0, 35) * 500);
        EdgePort = FreePort.Next();
    }

    public string Run { get; }

    public int BasePort { get; }

    public int EdgePort { get; }

    public Uri ConsulAddress => new($"http://127.0.0.1:{BasePort + 500}");

    public string[] UpArguments(int silos, int gateways) =>
        ["up", "--silos", $"{silos}", "--gateways", $"{gateways}", "--port", $"{EdgePort}", "--base-port", $"{BasePort}"];

    /// <summary>Runs one verb to its end; fails the test with what it printed if it exits non-zero.</summary>
    public async Task<string> Invoke(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Repo.Root, "autopilot"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        start.Environment["AUTOPILOT_RUN"] = Run;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"./autopilot {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s: {await error}");
        }

        Assert.True(process.ExitCode == 0, $"./autopilot {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Path.Combine(Run, "pids")))
        {
            await Invoke(TimeSpan.FromMinutes(3), "down");
        }
    }
}
