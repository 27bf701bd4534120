using System.Text.RegularExpressions;

namespace Autopilot.Stack.Cli;

/// <summary>
/// Counts the tests of a <c>dotnet test</c> run from its console lines (each test's own line: outcome, name and time) and
/// keeps each failure's error message, so that the run can end with its failures restated: a CI log shows its tail, and
/// a failure's own lines were far above it.
/// </summary>
public sealed partial class TestTally
{
    private const int MessageLines = 12;
    private readonly List<(string Test, TimeSpan Took)> timed = [];
    private readonly List<(string Test, List<string> Message)> failures = [];
    private List<string>? message;
    private bool inMessage;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    /// <summary>Takes one line; false when the console need not show it (a passed test's own line: the log keeps it).</summary>
    public bool Take(string line)
    {
        if (TestLine().Match(line) is not { Success: true } test)
        {
            KeepMessage(line);
            return true;
        }

        var name = test.Groups["name"].Value.Split('(')[0];
        var shortName = name[(name.LastIndexOf('.') + 1)..];
        timed.Add((shortName, Took(test.Groups["took"].Value)));
        switch (test.Groups["outcome"].Value)
        {
            case "Passed":
                Passed++;
                return false;
            case "Skipped":
                Skipped++;
                break;
            default:
                Failed++;
                message = [];
                inMessage = false;
                failures.Add((name, message));
                break;
        }

        return true;
    }

    public string Summary => $"tests: {Passed} passed, {Failed} failed, {Skipped} skipped";

    public string Slowest => $"slowest: {string.Join("; ", timed.OrderByDescending(t => t.Took).Take(6).Select(t => $"{t.Test} {t.Took.TotalSeconds:0} s"))}";

    /// <summary>Each failed test's full name and the first lines of its error message.</summary>
    public IEnumerable<string> Failures => failures.SelectMany(f => (IEnumerable<string>)[$"failed: {f.Test}", .. f.Message.Select(l => $"  {l.Trim()}")]);

    // After a failed test's line, vstest writes "  Error Message:", the message's lines, then "  Stack Trace:". Test
    // projects run side by side, so other projects' lines (their passed tests among them) may come in between.
    private void KeepMessage(string line)
    {
        if (message is null)
        {
            return;
        }

        var trimmed = line.Trim();
        if (trimmed == "Error Message:")
        {
            inMessage = true;
        }
        else if (trimmed is "Stack Trace:" or "Standard Output Messages:" or "Standard Error Messages:")
        {
            message = null;
        }
        else if (inMessage && message.Count < MessageLines && trimmed.Length > 0)
        {
            message.Add(trimmed);
        }
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
