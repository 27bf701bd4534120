using Autopilot.Stack.Cli;

namespace Autopilot.Stack.Tests;

/// <summary><c>./autopilot test</c> counts tests from vstest's console lines and restates each failure at the end.</summary>
[Trait("Category", "unit")]
public sealed class TestTallyTests
{
    [Fact]
    public void It_counts_each_outcome_hides_passed_lines_and_keeps_each_failures_error_message()
    {
        var tally = new TestTally();
        string[] lines =
        [
            "  Passed Autopilot.Gateway.Tests.ApiTests.Reads(name: \"a\") [350 ms]",
            "  Failed Autopilot.System.Tests.SwarmTests.Rolls [1 m 51 s]",
            "  Error Message:",
            "   the silos' rolling update paused:",
            "  Passed Autopilot.Edge.Tests.Another [1 ms]",
            "silo.4 exited (3)",
            "  Stack Trace:",
            "     at Autopilot.System.Tests.SwarmTests.Rolls() in SwarmTests.cs:line 80",
            "some process output",
            "  Skipped Autopilot.Edge.Tests.Later [< 1 ms]",
        ];

        var shown = lines.Where(tally.Take).ToList();

        Assert.Equal((2, 1, 1), (tally.Passed, tally.Failed, tally.Skipped));
        Assert.DoesNotContain(lines[0], shown);
        Assert.Equal(lines.Length - 2, shown.Count);
        Assert.Equal("tests: 2 passed, 1 failed, 1 skipped", tally.Summary);
        Assert.Equal("slowest: Rolls 111 s; Reads 0 s; Another 0 s; Later 0 s", tally.Slowest);
        Assert.Equal(["failed: Autopilot.System.Tests.SwarmTests.Rolls", "  the silos' rolling update paused:", "  silo.4 exited (3)"], tally.Failures);
    }

    [Fact]
    public void A_failure_without_a_message_is_still_named_and_a_message_is_cut_short()
    {
        var tally = new TestTally();
        tally.Take("  Failed Autopilot.A.Tests.First [1 s]");
        tally.Take("  Failed Autopilot.A.Tests.Second [2 s]");
        tally.Take("  Error Message:");
        foreach (var i in Enumerable.Range(1, 30))
        {
            tally.Take($"   line {i}");
        }

        var failures = tally.Failures.ToList();
        Assert.Equal("failed: Autopilot.A.Tests.First", failures[0]);
        Assert.Equal("failed: Autopilot.A.Tests.Second", failures[1]);
        Assert.Equal(12, failures.Count - 2);
        Assert.Equal("  line 12", failures[^1]);
    }
}
