namespace Autopilot.Testing;

/// <summary>
/// Figures a test measured (times, counts), printed where a reader of the test run sees them: xunit does not show what a
/// passing test writes to the console, so each line is also appended to the file named by <c>AUTOPILOT_TEST_FIGURES</c>,
/// which <c>./autopilot test</c> sets and prints after its summary.
/// </summary>
public static class TestFigures
{
    private static readonly Lock Gate = new();

    public static void Print(string line)
    {
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("AUTOPILOT_TEST_FIGURES") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, $"{DateTime.Now:HH:mm:ss} {line}{Environment.NewLine}");
            }
        }
    }
}
