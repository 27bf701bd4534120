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
        // Each test's own line (name and time) goes to the log; the console shows failures, summaries and the slowest.
        string[] arguments = ["test", repository.At("Autopilot.sln"), "-c", "Release", "--no-build", "--nologo", "--logger", "console;verbosity=normal",
            .. fast ? (string[])["--filter", "Category=unit|Category=contract"] : [], .. extra];
        var (passed, failed, skipped) = (0, 0, 0);
        var timed = new List<(string Test, TimeSpan Took)>();
        await using var log = new StreamWriter(output) { AutoFlush = true };
        var code = await repository.Stream("dotnet", arguments, line =>
        {
            lock (log)
            {
                log.WriteLine(line);
                if (TestLine().Match(line) is not { Success: true } test)
                {
                    Console.WriteLine(line);
                    return;
                }

                var name = test.Groups["name"].Value.Split('(')[0];
                timed.Add((name[(name.LastIndexOf('.') + 1)..], Took(test.Groups["took"].Value)));
                switch (test.Groups["outcome"].Value)
                {
                    case "Passed":
                        passed++;
                        break;
                    case "Skipped":
                        skipped++;
                        Console.WriteLine(line);
                        break;
                    default:
                        failed++;
                        Console.WriteLine(line);
                        break;
                }
            }
        }, new Dictionary<string, string> { ["AUTOPILOT_TEST_FIGURES"] = figures });

        Console.WriteLine($"tests: {passed} passed, {failed} failed, {skipped} skipped");
        Console.WriteLine($"slowest: {string.Join("; ", timed.OrderByDescending(t => t.Took).Take(6).Select(t => $"{t.Test} {t.Took.TotalSeconds:0} s"))}");
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

    // "  Passed Autopilot.X.Tests.Name(args) [1 m 2 s]" or "[350 ms]" or "[< 1 ms]"
    private static TimeSpan Took(string text)
    {
        var total = TimeSpan.Zero;
        foreach (Match part in Unit().Matches(text))
        {
            var value = double.Parse(part.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch { "m" => TimeSpan.FromMinutes(value), "s" => TimeSpan.FromSeconds(value), _ => TimeSpan.FromMilliseconds(value) };
        }

        return total;
    }

    [GeneratedRegex(@"^\s+(?<outcome>Passed|Failed|Skipped) (?<name>\S.*) \[(?<took>[^\]]+)\]$")]
    private static partial Regex TestLine();

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?) (?<unit>m|s|ms)\b")]
    private static partial Regex Unit();
}
