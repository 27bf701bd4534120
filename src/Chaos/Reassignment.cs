namespace Autopilot.Chaos;

/// <summary>
/// One request that gave a rep a client (<paramref name="Client"/>), or took its client away (null), with when it was sent
/// and answered on the history's clock.
/// </summary>
public sealed record Reassignment(string Rep, string? Client, TimeSpan Invoked, TimeSpan? Completed, Outcome Outcome)
{
    public override string ToString() =>
        $"{Rep} -> {Client ?? "(no client)"} [{Invoked.TotalSeconds:0.000} s, {(Completed is { } c ? $"{c.TotalSeconds:0.000} s" : "never answered")}] {Outcome}";
}
