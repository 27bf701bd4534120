using System.Diagnostics;

namespace Autopilot.Stack.Processes;

/// <summary>Runs another program to its end with a bound on its time, and hands back its exit code and what it printed.</summary>
public static class ExternalProgram
{
    /// <summary>
    /// Runs <paramref name="file"/> and returns its exit code with both outputs; throws <see cref="TimeoutException"/> (after
    /// killing it and its children) when it does not finish within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int Code, string Output, string Error)> Try(
        string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
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
            throw new TimeoutException($"{Describe(file, start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s: {(await error).Trim()}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs <paramref name="file"/>; returns its standard output, or throws <see cref="StackException"/> with what it printed if it failed.</summary>
    public static async Task<string> Run(
        string file, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var list = arguments.ToList();
        var (code, output, error) = await Try(file, list, timeout, environment, workingDirectory);
        return code == 0 ? output : throw new StackException($"{Describe(file, list)} exited {code}: {(error + output).Trim()}");
    }

    private static string Describe(string file, IEnumerable<string> arguments) => $"{Path.GetFileName(file)} {string.Join(' ', arguments)}";
}
