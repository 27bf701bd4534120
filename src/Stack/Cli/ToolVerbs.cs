using Autopilot.Stack.Model;

namespace Autopilot.Stack.Cli;

/// <summary><c>ports</c>, <c>logs</c>, <c>images</c> and <c>bench</c>: the verbs that read the model or hand over to another program.</summary>
internal sealed class ToolVerbs(Repository repository, RunFolder run)
{
    public static int Ports(int basePort, int edge)
    {
        foreach (var line in new StackPorts(basePort, edge).Describe())
        {
            Say.Result(line);
        }

        return 0;
    }

    public async Task<int> Logs(string? name)
    {
        if (!Directory.Exists(run.Logs))
        {
            throw new Processes.StackException("no logs yet");
        }

        if (name is null)
        {
            foreach (var file in Directory.EnumerateFiles(run.Logs, "*.log").Order(StringComparer.Ordinal))
            {
                Say.Result($"==> {file} <==");
                Say.Result(await File.ReadAllTextAsync(file));
            }

            return 0;
        }

        if (!File.Exists(run.LogFile(name)))
        {
            var have = Directory.EnumerateFiles(run.Logs, "*.log").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
            throw new Processes.StackException($"no log named {name} (have: {string.Join(' ', have)})");
        }

        Console.Out.Write(await File.ReadAllTextAsync(run.LogFile(name)));
        return 0;
    }

    /// <summary>The container images deploy/docker-compose.yml runs (scripts/build-images.sh: the engine and the local stand-ins).</summary>
    public Task<int> Images(IReadOnlyList<string> arguments)
    {
        Secrets.EnsureForContainers(repository);
        return repository.Stream(repository.At("scripts", "build-images.sh"), arguments, Console.WriteLine);
    }

    /// <summary>The benchmark (bench/Autopilot.Bench): a stack of its own, measured against references; see bench/README.md.</summary>
    public async Task<int> Bench(IReadOnlyList<string> arguments)
    {
        await repository.AptInstall([.. Repository.StackPackages, "wrk", "nghttp2-client"]);
        await repository.InstallConsul();
        var results = repository.At("bench", "results");
        Directory.CreateDirectory(results);
        var (code, output) = await repository.Capture("dotnet", ["build", repository.At("bench", "Autopilot.Bench"), "-c", "Release", "--nologo", "-v", "quiet"]);
        await File.WriteAllTextAsync(Path.Combine(results, "build.log"), output);
        if (code != 0)
        {
            Console.Error.WriteLine(string.Join('\n', output.Split('\n').TakeLast(30)));
            throw new Processes.StackException("building bench/Autopilot.Bench failed");
        }

        return await repository.Stream("dotnet", [repository.At("bench", "Autopilot.Bench", "bin", "Release", "net10.0", "Autopilot.Bench.dll"), .. arguments], Console.WriteLine);
    }
}
