using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Autopilot.Stack.Cli;

/// <summary>
/// Counts the tests of <c>dotnet test</c> runs from their TRX files (one per test project and run), and keeps each failure's
/// error message, so that the run can end with its failures restated: a CI log shows its tail, and a failure's own lines
/// were far above it. Not from the console: test projects run side by side, and a line of one can break into a line of
/// another, so that a test's line lost its "Passed" and went uncounted.
/// </summary>
public sealed partial class TestTally
{
    private const int MessageLines = 12;
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private readonly List<(string Test, string Outcome, TimeSpan Took, IReadOnlyList<string> Message)> results = [];

    /// <summary>How many result files were read: one per test project and run.</summary>
    public int Files { get; private set; }

    public int Passed => results.Count(r => r.Outcome == "Passed");

    /// <summary>Every outcome but passed and not run (xunit's skipped): failed, and also a test the run aborted or timed out.</summary>
    public int Failed => results.Count(IsFailure);

    public int Skipped => results.Count(r => r.Outcome == "NotExecuted");

    /// <summary>Whether the console shows a line of the run: not a passed test's own line, nor where a result file went (the log keeps both).</summary>
    public static bool Shows(string line) => !PassedLine().IsMatch(line) && !line.StartsWith("Results File: ", StringComparison.Ordinal);

    /// <summary>Reads every TRX file under <paramref name="directory"/>.</summary>
    public void ReadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            Read(XDocument.Load(file));
        }
    }

    /// <summary>Reads one TRX document: each test's name, outcome, duration and the first lines of its error message.</summary>
    public void Read(XDocument trx)
    {
        Files++;
        foreach (var result in trx.Descendants(Trx + "UnitTestResult"))
        {
            var message = (result.Element(Trx + "Output")?.Element(Trx + "ErrorInfo")?.Element(Trx + "Message")?.Value ?? "")
                .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(MessageLines).ToList();
            var took = TimeSpan.TryParse((string?)result.Attribute("duration"), System.Globalization.CultureInfo.InvariantCulture, out var duration) ? duration : TimeSpan.Zero;
            results.Add(((string?)result.Attribute("testName") ?? "?", (string?)result.Attribute("outcome") ?? "?", took, message));
        }
    }

    public string Summary => $"tests: {Passed} passed, {Failed} failed, {Skipped} skipped (from {Files} result file(s))";

    public string Slowest => $"slowest: {string.Join("; ", results.OrderByDescending(r => r.Took).Take(6).Select(r => $"{ShortName(r.Test)} {r.Took.TotalSeconds:0} s"))}";

    /// <summary>Each failed test's full name and the first lines of its error message.</summary>
    public IEnumerable<string> Failures => results.Where(IsFailure)
        .SelectMany(r => (IEnumerable<string>)[$"failed: {r.Test}{(r.Outcome == "Failed" ? "" : $" ({r.Outcome})")}", .. r.Message.Select(l => $"  {l}")]);

    private static bool IsFailure((string Test, string Outcome, TimeSpan Took, IReadOnlyList<string> Message) result) =>
        result.Outcome is not ("Passed" or "NotExecuted");

    // "Autopilot.X.Tests.Class.Name(mode: \"a.b\")" -> "Name"
    private static string ShortName(string test)
    {
        var name = test.Split('(')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    // "  Passed Autopilot.X.Tests.Name(args) [1 m 2 s]" or "[350 ms]" or "[< 1 ms]"
    [GeneratedRegex(@"^\s+Passed \S.* \[[^\]]+\]$")]
    private static partial Regex PassedLine();
}
