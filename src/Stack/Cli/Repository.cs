using System.Diagnostics;
using Autopilot.Hosting;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Cli;

/// <summary>The repository the command line runs from: its install scripts, its projects, and programs run to their end.</summary>
internal sealed class Repository(string root)
{
    /// <summary>What the local stack runs (the tests need more: see <see cref="TestPackages"/>).</summary>
    public static readonly string[] StackPackages = ["nginx", "redis-server", "prometheus"];

    /// <summary>What the tests need besides the stack's own: a browser for the page test.</summary>
    public static readonly string[] TestPackages = [.. StackPackages, "chromium"];

    public string Root { get; } = root;

    /// <summary>The repository: <c>AUTOPILOT_ROOT</c> (the shim sets it), else the folder above that holds Autopilot.sln.</summary>
    public static Repository Find()
    {
        if (Environment.GetEnvironmentVariable("AUTOPILOT_ROOT") is { Length: > 0 } root)
        {
            return new Repository(root);
        }

        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Autopilot.sln")))
            {
                return new Repository(folder.FullName);
            }
        }

        throw new StackException("cannot find the repository (no Autopilot.sln above this folder); run ./autopilot from it");
    }

    public string At(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Installs Debian packages that are missing (scripts/apt-install.sh).</summary>
    public Task AptInstall(params string[] packages) => Script("scripts/apt-install.sh", packages);

    /// <summary>Consul 1.8.7 under .tools/ (scripts/install-consul.sh); returns the binary's path.</summary>
    public async Task<string> InstallConsul() => (await Script("scripts/install-consul.sh", [])).Trim();

    /// <summary>Publishes the hosts of <paramref name="roles"/> (Release) into the run folder, each into a folder of its role.</summary>
    public async Task Publish(RunFolder run, params HostRole[] roles)
    {
        Say.Line($"building (Release) into {run.Publish}");
        Directory.CreateDirectory(run.Logs);
        foreach (var role in roles)
        {
            var log = Path.Combine(run.Logs, $"build-{role.Name}.log");
            var (code, output) = await Capture("dotnet",
                ["publish", At("src", role.Project), "-c", HostBinaries.BuildConfiguration, "-o", Path.Combine(run.Publish, role.Name), "--nologo", "-v", "quiet"]);
            await File.WriteAllTextAsync(log, output);
            if (code != 0)
            {
                Console.Error.WriteLine(string.Join('\n', output.Split('\n').TakeLast(30)));
                throw new StackException($"building src/{role.Project} failed; the whole log is {log}");
            }
        }
    }

    /// <summary>Runs a script of the repository, its standard error passed through; returns its standard output.</summary>
    public async Task<string> Script(string relative, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(At(relative)) { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new StackException($"could not run {relative}");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new StackException($"{relative} failed (exit code {process.ExitCode})");
    }

    /// <summary>Runs a program to its end; returns its exit code and everything it printed, both streams in order.</summary>
    public async Task<(int Code, string Output)> Capture(string program, IEnumerable<string> arguments)
    {
        var output = new System.Text.StringBuilder();
        var code = await Stream(program, arguments, line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        });
        return (code, output.ToString());
    }

    /// <summary>Runs a program to its end, handing each line it prints (either stream) to <paramref name="line"/>.</summary>
    public async Task<int> Stream(string program, IEnumerable<string> arguments, Action<string> line, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        if (!process.Start())
        {
            throw new StackException($"could not run {program}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync();
        return process.ExitCode;

        void Forward(string? text)
        {
            if (text is not null)
            {
                line(text);
            }
        }
    }
}
