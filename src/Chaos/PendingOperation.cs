namespace Autopilot.Chaos;

/// <summary>An operation of a <see cref="History"/> that was sent and awaits its answer; end it once, with one of its methods.</summary>
public sealed class PendingOperation
{
    private readonly History history;
    private readonly OperationKind kind;
    private readonly string? written;
    private readonly TimeSpan invoked;
    private readonly bool final;

    internal PendingOperation(History history, int id, string key, OperationKind kind, string? written, TimeSpan invoked, bool final)
    {
        this.history = history;
        Id = id;
        Key = key;
        this.kind = kind;
        this.written = written;
        this.invoked = invoked;
        this.final = final;
    }

    public int Id { get; }

    public string Key { get; }

    /// <summary>The value a write writes.</summary>
    public string? Written => written;

    /// <summary>Acknowledged: a write took effect; a read returned <paramref name="read"/> (null: the record did not exist).</summary>
    public Operation Ok(int? status, string? read = null) =>
        End(Outcome.Ok, status, kind == OperationKind.Read ? read : written);

    /// <summary>Refused before it ran: a write had no effect.</summary>
    public Operation Failed(int? status) => End(Outcome.Failed, status, kind == OperationKind.Read ? null : written);

    /// <summary>Unknown: a timeout, a 502 or 504, or a lost connection. A write may have taken effect.</summary>
    public Operation Indeterminate(int? status) => End(Outcome.Indeterminate, status, kind == OperationKind.Read ? null : written);

    internal Operation Unanswered() => new(Id, Key, kind, kind == OperationKind.Read ? null : written, invoked, null, Outcome.Indeterminate, null, final);

    private Operation End(Outcome outcome, int? status, string? value)
    {
        var done = new Operation(Id, Key, kind, value, invoked, history.Now, outcome, status, final);
        history.Complete(this, done);
        return done;
    }
}
