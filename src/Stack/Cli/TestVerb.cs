namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>test</c>: install what the tests need, build the solution with warnings as errors, run every test project, and end
/// with one line summed over them, then the figures the tests measured (xunit shows nothing a passing test prints), then
/// each failed test again with its error message.
/// </summary>
internal sealed class TestVerb(Repository repository, Model.RunFolder run)
{
    // The namespace of tests/System's tests.
    private const string SystemTestsNamespace = "Autopilot.SystemTests";

    public async Task<int> Run(bool fast, IReadOnlyList<string> extra)
    {
        Directory.CreateDirectory(run.Logs);
        await repository.InstallConsul();
        await repository.AptInstall(Repository.TestPackages);
        var figures = Path.Combine(run.Logs, "test-figures.log");
        File.Delete(figures);
        // The whole run's container stories need the images. They are built from here on, beside the solution's build and
        // the other projects' tests, at a lower priority: on a fresh machine their build took 209 s of the system tests' own
        // time (the build is not timed; the other tests took 3.0 min beside it against 2.8 alone).
        var images = fast || extra.Contains("--filter") ? Task.CompletedTask : BuildImagesBeside(figures);
        try
        {
            return await BuildAndTest(fast, extra, figures, images);
        }
        finally
        {
            // A dockerd started for the images is stopped before this returns, the build of the solution failed or not.
            await images;
        }
    }

    private async Task<int> BuildAndTest(bool fast, IReadOnlyList<string> extra, string figures, Task images)
    {
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

        // Each test's own line (name and time) goes to the log; the console shows failures, summaries and the slowest. The
        // count comes from each project's TRX file, in a folder of its own (Directory.Build.props).
        var results = Path.Combine(run.Logs, "test-results");
        if (Directory.Exists(results))
        {
            Directory.Delete(results, recursive: true);
        }

        string[] common = ["-c", "Release", "--no-build", "--nologo", "--logger", "console;verbosity=normal", "--logger", "trx", $"-p:AutopilotTestResults={results}"];
        var tally = new TestTally();
        await using var log = new StreamWriter(output) { AutoFlush = true };
        var environment = new Dictionary<string, string> { ["AUTOPILOT_TEST_FIGURES"] = figures };
        Task<int> Test(string target, IEnumerable<string> more) => repository.Stream("dotnet", ["test", target, .. common, .. more], line =>
        {
            lock (log)
            {
                log.WriteLine(line);
                if (TestTally.Shows(line))
                {
                    Console.WriteLine(line);
                }
            }
        }, environment);

        int code;
        if (fast)
        {
            code = await Test(repository.At("Autopilot.sln"), ["--filter", "Category=unit|Category=contract", .. extra]);
        }
        else if (extra.Contains("--filter"))
        {
            code = await Test(repository.At("Autopilot.sln"), extra);
        }
        else
        {
            // The container and whole-stack stories last: they judge a rolling update or a fault on a machine they have to
            // themselves. Run beside the other projects on two cores, the node was so starved that Docker's health checks
            // failed and Swarm replaced healthy tasks in turn (a CI run's failed rolling update); the others take 3 min.
            var others = await Test(repository.At("Autopilot.sln"), ["--filter", $"FullyQualifiedName!~{SystemTestsNamespace}.", .. extra]);
            await images;
            var system = await Test(repository.At("tests", "System", "Autopilot.System.Tests.csproj"), extra);
            code = others != 0 ? others : system;
        }

        tally.ReadAll(results);
        Console.WriteLine(tally.Summary);
        if (code != 0 && tally.Failed == 0)
        {
            Console.WriteLine($"dotnet test ended with exit code {code} though no result file holds a failed test: a test host that crashed, or a project that did not run; see {output}");
        }

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

    /// <summary>
    /// The container images (<c>./autopilot images</c>' script), built beside the build and the other tests at a lower priority
    /// (<c>nice</c>; a dockerd the script starts inherits it, and so do its builds). A dockerd started for it stops when it
    /// is done, so that the container tests start and own their engine as before; they find the images built (Docker's
    /// cache), or, if this build failed, build them again and fail with its message. Its time is a line of the figures.
    /// </summary>
    private async Task BuildImagesBeside(string figures)
    {
        // Off the caller's thread at once: the tests start while this runs.
        await Task.Yield();
        var environment = new Dictionary<string, string> { [Model.RunFolder.Variable] = Path.Combine(run.Root, "test-images") };
        var log = Path.Combine(run.Logs, "test-images.log");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string outcome;
        try
        {
            Secrets.EnsureForContainers(repository);
            await using var writer = new StreamWriter(log) { AutoFlush = true };
            var code = await repository.Stream("nice", ["-n", "10", repository.At("scripts", "build-images.sh")], line =>
            {
                lock (writer)
                {
                    writer.WriteLine(line);
                }
            }, environment);
            outcome = code == 0 ? "built" : $"not built (exit code {code}; the container tests build them again; log: {log})";
        }
        catch (Exception e) when (e is Processes.StackException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            outcome = $"not built ({e.Message}; the container tests build them again)";
        }
        finally
        {
            await repository.Stream(repository.At("scripts", "docker-engine.sh"), ["stop"], _ => { }, environment);
            // The gigabytes the build wrote reach the disk now, not while the system tests' first stacks fsync every write
            // (Consul's log, Redis' append-only file).
            await repository.Stream("sync", [], _ => { });
        }

        var line = $"containers: images {outcome} beside the build and the other projects' tests in {clock.Elapsed.TotalSeconds:0} s";
        Console.WriteLine(line);
        await File.AppendAllTextAsync(figures, $"{DateTime.Now:HH:mm:ss} {line}{Environment.NewLine}");
    }
}
