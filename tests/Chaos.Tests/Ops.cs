namespace Autopilot.Chaos.Tests;

/// <summary>Hand-made operations for the checkers' tests, with times in seconds on one key unless told.</summary>
internal static class Ops
{
    private static int next;

    public static Operation Write(string value, double invoked, double? completed, Outcome outcome = Outcome.Ok, string key = "customer/Acme") =>
        new(Interlocked.Increment(ref next), key, OperationKind.Write, value, At(invoked), completed is { } c ? At(c) : null, outcome);

    public static Operation Read(string? value, double invoked, double completed, bool final = false, Outcome outcome = Outcome.Ok, string key = "customer/Acme") =>
        new(Interlocked.Increment(ref next), key, OperationKind.Read, value, At(invoked), At(completed), outcome, Final: final);

    public static Reassignment Move(string rep, string? client, double invoked, double? completed, Outcome outcome = Outcome.Ok) =>
        new(rep, client, At(invoked), completed is { } c ? At(c) : null, outcome);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);
}
