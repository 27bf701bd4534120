using System.Xml.Linq;
using Autopilot.Stack.Cli;

namespace Autopilot.Stack.Tests;

/// <summary><c>./autopilot test</c> counts tests from each project's TRX file and restates each failure at the end.</summary>
[Trait("Category", "unit")]
public sealed class TestTallyTests
{
    [Fact]
    public void It_counts_each_outcome_from_the_result_files_and_keeps_each_failures_error_message()
    {
        var directory = Directory.CreateTempSubdirectory("tally-");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory.FullName, "Autopilot.Gateway.Tests"));
            Directory.CreateDirectory(Path.Combine(directory.FullName, "Autopilot.System.Tests"));
            File.WriteAllText(Path.Combine(directory.FullName, "Autopilot.Gateway.Tests", "a.trx"), Trx(
                Result("Autopilot.Gateway.Tests.ApiTests.Reads(name: \"a.b\")", "Passed", "00:00:00.3500000"),
                Result("Autopilot.Gateway.Tests.ApiTests.Later", "NotExecuted", "00:00:00")));
            File.WriteAllText(Path.Combine(directory.FullName, "Autopilot.System.Tests", "b.trx"), Trx(
                Result("Autopilot.SystemTests.SwarmTests.Rolls", "Failed", "00:01:51.2000000", "the silos' rolling update paused:\n  silo.4 exited (3)\n"),
                Result("Autopilot.SystemTests.StackTests.Up", "Passed", "00:00:40")));
            File.WriteAllText(Path.Combine(directory.FullName, "Autopilot.System.Tests", "ignored.log"), "not a result file");

            var tally = new TestTally();
            tally.ReadAll(directory.FullName);

            Assert.Equal((2, 1, 1, 2), (tally.Passed, tally.Failed, tally.Skipped, tally.Files));
            Assert.Equal("tests: 2 passed, 1 failed, 1 skipped (from 2 result file(s))", tally.Summary);
            Assert.Equal("slowest: Rolls 111 s; Up 40 s; Reads 0 s; Later 0 s", tally.Slowest);
            Assert.Equal(["failed: Autopilot.SystemTests.SwarmTests.Rolls", "  the silos' rolling update paused:", "  silo.4 exited (3)"], tally.Failures);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_failure_without_a_message_is_still_named_a_message_is_cut_short_and_an_aborted_test_counts_as_failed()
    {
        var tally = new TestTally();
        tally.Read(XDocument.Parse(Trx(
            Result("Autopilot.A.Tests.First", "Failed", "00:00:01"),
            Result("Autopilot.A.Tests.Second", "Failed", "00:00:02", string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}"))),
            Result("Autopilot.A.Tests.Third", "Aborted", "00:00:03"))));

        var failures = tally.Failures.ToList();
        Assert.Equal(3, tally.Failed);
        Assert.Equal("failed: Autopilot.A.Tests.First", failures[0]);
        Assert.Equal("failed: Autopilot.A.Tests.Second", failures[1]);
        Assert.Equal("  line 12", failures[13]);
        Assert.Equal("failed: Autopilot.A.Tests.Third (Aborted)", failures[14]);
        Assert.Equal(15, failures.Count);
    }

    [Fact]
    public void The_console_hides_a_passed_tests_own_line_and_where_a_result_file_went_and_shows_everything_else()
    {
        Assert.False(TestTally.Shows("Results File: /repo/.run/logs/test-results/Autopilot.Chaos.Tests/_vm_2026-12-02_16_16_11_net10.0.trx"));
        Assert.False(TestTally.Shows("  Passed Autopilot.Gateway.Tests.ApiTests.Reads(name: \"a\") [350 ms]"));
        Assert.False(TestTally.Shows("  Passed Autopilot.Edge.Tests.Another [< 1 ms]"));
        Assert.True(TestTally.Shows("  Failed Autopilot.System.Tests.SwarmTests.Rolls [1 m 51 s]"));
        Assert.True(TestTally.Shows("  Skipped Autopilot.Edge.Tests.Later [< 1 ms]"));
        Assert.True(TestTally.Shows("Passed!  - Failed:     0, Passed:     2, Skipped:     0, Total:     2, Duration: 65 ms - Autopilot.Stack.Tests.dll (net10.0)"));
    }

    // A TRX file as vstest writes it, with only what the tally reads.
    private static string Trx(params XElement[] results) =>
        new XDocument(new XElement(Ns + "TestRun", new XElement(Ns + "Results", results))).ToString();

    private static XElement Result(string test, string outcome, string duration, string? message = null) =>
        new(Ns + "UnitTestResult", new XAttribute("testName", test), new XAttribute("outcome", outcome), new XAttribute("duration", duration),
            message is null ? null : new XElement(Ns + "Output", new XElement(Ns + "ErrorInfo", new XElement(Ns + "Message", message), new XElement(Ns + "StackTrace", "at X"))));

    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
}
