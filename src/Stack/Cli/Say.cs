namespace Autopilot.Stack.Cli;

/// <summary>What the command line tells its user: progress on standard error (prefixed), results on standard output.</summary>
internal static class Say
{
    public static void Line(string what) => Console.Error.WriteLine($"autopilot: {what}");

    public static void Result(string what) => Console.Out.WriteLine(what);
}
