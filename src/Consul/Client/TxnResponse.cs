namespace Autopilot.Consul.Client;

/// <summary>The answer of <c>/v1/txn</c>: results when it committed (200), errors when it rolled back (409).</summary>
public sealed class TxnResponse
{
    public List<TxnResult>? Results { get; set; }

    public List<TxnError>? Errors { get; set; }

    public bool Committed => Errors is not { Count: > 0 };
}
