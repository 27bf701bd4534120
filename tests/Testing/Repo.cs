using System.Diagnostics;

namespace Autopilot.Testing;

/// <summary>The repository the tests run from, and its scripts.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Runs a script of the repository to its end; returns its standard output, or fails with what it printed.</summary>
    public static string RunScript(string relativePath, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(Root, relativePath))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {relativePath}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{relativePath} did not finish within {timeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{relativePath} failed with exit code {process.ExitCode}: {error.Result}{output.Result}");
        }

        return output.Result.Trim();
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Autopilot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Autopilot.sln above {AppContext.BaseDirectory}.");
    }
}
