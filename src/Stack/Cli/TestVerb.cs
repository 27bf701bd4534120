using System.Text.RegularExpressions;

namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>test</c>: install what the tests need, build the solution with warnings as errors, run every test project, and end
/// with one line summed over them, then the figures the tests measured (xunit shows nothing a passing test prints).
/// </summary>
internal sealed partial class TestVerb(Repository repository, Model.RunFolder run)
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
        string[] arguments = ["test", repository.At("Autopilot.sln"), "-c", "Release", "--no-build", "--nologo",
            .. fast ? (string[])["--filter", "Category=unit|Category=contract"] : [], .. extra];
        var (passed, failed, skipped) = (0, 0, 0);
        await using var log = new StreamWriter(output) { AutoFlush = true };
        var code = await repository.Stream("dotnet", arguments, line =>
        {
            lock (log)
            {
                Console.WriteLine(line);
                log.WriteLine(line);
                if (Summary().Match(line) is { Success: true } summary)
                {
                    failed += int.Parse(summary.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    passed += int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    skipped += int.Parse(summary.Groups["skipped"].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }, new Dictionary<string, string> { ["AUTOPILOT_TEST_FIGURES"] = figures });

        Console.WriteLine($"tests: {passed} passed, {failed} failed, {skipped} skipped");
        if (File.Exists(figures))
        {
            Console.WriteLine("figures the tests measured:");
            foreach (var line in await File.ReadAllLinesAsync(figures))
            {
                Console.WriteLine($"  {line}");
            }
        }

        return code;
    }

    // "Passed!  - Failed:     0, Passed:    23, Skipped:     0, Total:    23, Duration: ..." (or "Failed!  - ...")
    [GeneratedRegex(@"(Passed|Failed)! +- +Failed: +(?<failed>\d+), +Passed: +(?<passed>\d+), +Skipped: +(?<skipped>\d+)")]
    private static partial Regex Summary();
}
