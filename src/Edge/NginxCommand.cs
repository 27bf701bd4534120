using System.Diagnostics;

namespace Autopilot.Edge;

/// <summary>The nginx binary and the arguments every use of it shares; <c>nginx -t</c> as a call.</summary>
public sealed class NginxCommand(FrontDoor door, NginxFiles files)
{
    public string Binary => door.NginxPath ?? throw new InvalidOperationException("The front door is not nginx.");

    /// <summary>The arguments for this run folder and configuration, with extra global directives.</summary>
    public IEnumerable<string> Arguments(string? global)
    {
        // As root, nginx's workers would switch to "nobody", who cannot write the run folder: keep the current user.
        var user = Environment.UserName == "root" ? "user root;" : null;
        var directives = string.Join(' ', new[] { global, user }.Where(d => d is not null));
        return directives.Length > 0 ? ["-p", files.Run + "/", "-c", files.MainConf, "-g", directives] : ["-p", files.Run + "/", "-c", files.MainConf];
    }

    /// <summary><c>nginx -t</c>: whether nginx accepts the configuration as it is on disk, and what it said.</summary>
    public async Task<(bool Valid, string Output)> TestAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments(null).Prepend("-q").Prepend("-t"))
        {
            start.ArgumentList.Add(argument);
        }

        using var test = Process.Start(start)!;
        var error = await test.StandardError.ReadToEndAsync(cancellationToken);
        await test.WaitForExitAsync(cancellationToken);
        return (test.ExitCode == 0, error.Trim());
    }
}
