namespace Autopilot.Chaos;

/// <summary>
/// One operation of a history: on <paramref name="Key"/>'s register, invoked at <paramref name="Invoked"/> and answered at
/// <paramref name="Completed"/> (null: never answered) on the history's one clock.
/// </summary>
/// <param name="Id">The operation's number in its history.</param>
/// <param name="Key">The register, e.g. <c>customer/Acme</c>.</param>
/// <param name="Kind">Read or write.</param>
/// <param name="Value">For a write, the value written; for a read, the value read (null: the record did not exist).</param>
/// <param name="Invoked">When the client sent it.</param>
/// <param name="Completed">When the client had its answer; null if it never had one.</param>
/// <param name="Outcome">Acknowledged, refused, or unknown.</param>
/// <param name="Status">The HTTP status answered, if any.</param>
/// <param name="Final">A read made after the faults healed and the load stopped: the value the register ends with.</param>
public sealed record Operation(
    int Id,
    string Key,
    OperationKind Kind,
    string? Value,
    TimeSpan Invoked,
    TimeSpan? Completed,
    Outcome Outcome,
    int? Status = null,
    bool Final = false)
{
    public override string ToString() =>
        $"#{Id} {Kind.ToString().ToLowerInvariant()} {Key} = {Value ?? "(none)"} [{Invoked.TotalSeconds:0.000} s, {(Completed is { } c ? $"{c.TotalSeconds:0.000} s" : "never answered")}] {Outcome}{(Status is { } s ? $" {s}" : "")}";
}
