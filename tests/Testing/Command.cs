using System.Diagnostics;
using Xunit;

namespace Autopilot.Testing;

/// <summary>Runs a program to its end with a bound on its time; what it printed comes back, or the test fails with it.</summary>
public static class Command
{
    public static async Task<string> Run(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, bool check = true)
    {
        var (code, output, error) = await Try(file, arguments, timeout, environment);
        var line = $"{Path.GetFileName(file)} {string.Join(' ', arguments)}";
        Assert.True(!check || code == 0, $"{line} exited {code}:\n{error}\n{output}");
        return output;
    }

    /// <summary>Runs and returns the exit code with both outputs, failing only if it does not finish in time.</summary>
    public static async Task<(int Code, string Output, string Error)> Try(string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
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
            Assert.Fail($"{Path.GetFileName(file)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
