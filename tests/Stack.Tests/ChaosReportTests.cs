using Autopilot.Chaos;
using Autopilot.Stack.Chaos;

namespace Autopilot.Stack.Tests;

[Trait("Category", "unit")]
public sealed class ChaosReportTests
{
    private static readonly ChaosScenario Cut = new("silo-cut", "one silo cut", _ => Task.CompletedTask);
    private static readonly ChaosScenario Gateway = new("gateway-cut", "one gateway cut", _ => Task.CompletedTask);

    private static ScenarioResult Result(ChaosScenario scenario, int p99Milliseconds) => new(
        scenario, "a fault", new ChaosVerdict([], []),
        new LoadFigures(100, 100, 0, 0, TimeSpan.FromMilliseconds(p99Milliseconds), TimeSpan.FromMilliseconds(p99Milliseconds), TimeSpan.Zero),
        null, 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), [], [], []);

    [Fact]
    public void A_scenario_run_three_times_reports_how_many_passed_and_its_p99_from_lowest_to_highest()
    {
        var report = new ChaosReport([Result(Cut, 1395), Result(Gateway, 40), Result(Cut, 677), Result(Cut, 760)]);

        Assert.Equal(["silo-cut, 3 runs: 2 passed; unaffected p99 677–1,395 ms (median 760 ms)"], report.Spread);
        Assert.Equal(1, report.ExitCode);
        Assert.StartsWith("chaos: 4 scenarios, 0 violations", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_of_each_scenario_once_has_no_spread_and_lists_each_scenario_once()
    {
        var report = new ChaosReport([Result(Cut, 677), Result(Gateway, 40)]);

        Assert.Empty(report.Spread);
        Assert.Equal(0, report.ExitCode);
        Assert.DoesNotContain("Over the repeated runs", report.Markdown("a deployment"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_unaffected_p99_says_of_how_many_requests_it_is()
    {
        var result = Result(Cut, 677);

        Assert.Contains("| 677 ms of 100 |", new ChaosReport([result]).Markdown("a deployment"), StringComparison.Ordinal);
        Assert.Contains("p99 677 ms of 100 requests,", result.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_slow_scenario_is_told_apart_from_one_that_broke_a_guarantee_and_both_fail_the_command()
    {
        var slow = Result(Cut, 1040);
        var broke = Result(Gateway, 40) with { Problems = ["a silo ended with Orleans' abort"] };

        Assert.StartsWith("silo-cut: slow (unaffected p99 over the 1 s bound); ", slow.Line, StringComparison.Ordinal);
        Assert.StartsWith("gateway-cut: FAILED; ", broke.Line, StringComparison.Ordinal);
        Assert.StartsWith("silo-cut: ok; ", Result(Cut, 677).Line, StringComparison.Ordinal);
        Assert.Equal(1, new ChaosReport([slow]).ExitCode);
        Assert.Equal(1, new ChaosReport([broke]).ExitCode);
        Assert.Contains("| silo-cut | **slow (unaffected p99 over the 1 s bound)** |", new ChaosReport([slow]).Markdown("a deployment"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_of_repeated_runs_describes_each_scenario_once()
    {
        var markdown = new ChaosReport([Result(Cut, 677), Result(Cut, 900)]).Markdown("a deployment");

        Assert.Single(markdown.Split('\n'), l => l.StartsWith("- **silo-cut**", StringComparison.Ordinal));
        Assert.Contains("- silo-cut, 2 runs: 2 passed; unaffected p99 677–900 ms (median 900 ms)", markdown, StringComparison.Ordinal);
    }
}
