namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>test</c>: install what the tests need, build the solution with warnings as errors, run every test project, and end
/// with one line summed over them, then the figures the tests measured (xunit shows nothing a passing test prints), then
/// each failed test again with its error message.
/// </summary>
internal sealed class TestVerb(Repository repository, Model.RunFolder run)
{
    public async Task<int> Run(bool fast, IReadOnlyList<string> extra)
    {
        Directory.CreateDirectory(run.Logs);
        await repository.InstallConsul();
        await repository.AptInstall(Repository.TestPackages);
        var output = Path.Combine(run.Logs, "test.log");
        var buildLog = Path.Combine(run.Logs, "test-build.log");
        Say.Line($"building and running every test project (log: {output})");
        var (built, build) = await repository.Capture("dotnet", ["build", repository.At("Autopilot.sln"), "-c", "Release", "--nologo", "-v", "quiet"]);
        await File.WriteAllTextAsync(buildLog, build);
        foreach (var line in build.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal) || l.Contains("warning", StringComparison.Ordinal)))
        {
            Console.WriteLine(line);
        }

        if (built != 0)
        {
            throw new Processes.StackException($"the build failed; see {buildLog}");
        }

        var figures = Path.Combine(run.Logs, "test-figures.log");
        File.Delete(figures);
        // Each test's own line (name and time) goes to the log; the console shows failures, summaries and the slowest.
        string[] arguments = ["test", repository.At("Autopilot.sln"), "-c", "Release", "--no-build", "--nologo", "--logger", "console;verbosity=normal",
            .. fast ? (string[])["--filter", "Category=unit|Category=contract"] : [], .. extra];
        var tally = new TestTally();
        await using var log = new StreamWriter(output) { AutoFlush = true };
        var code = await repository.Stream("dotnet", arguments, line =>
        {
            lock (log)
            {
                log.WriteLine(line);
                if (tally.Take(line))
                {
                    Console.WriteLine(line);
                }
            }
        }, new Dictionary<string, string> { ["AUTOPILOT_TEST_FIGURES"] = figures });

        Console.WriteLine(tally.Summary);
        Console.WriteLine(tally.Slowest);
        if (File.Exists(figures))
        {
            Console.WriteLine("figures the tests measured:");
            foreach (var line in await File.ReadAllLinesAsync(figures))
            {
                Console.WriteLine($"  {line}");
            }
        }

        // Last, so that a log's tail names them: a failure's own lines were far above.
        foreach (var line in tally.Failures)
        {
            Console.WriteLine(line);
        }

        return code;
    }
}
