namespace Autopilot.Consul.Client;

/// <summary>One operation of a <c>/v1/txn</c> transaction.</summary>
public sealed class TxnOp
{
    public TxnKvOp? KV { get; set; }

    /// <summary>Create or replace only if the key's ModifyIndex is <paramref name="index"/>; 0 means "only if absent".</summary>
    public static TxnOp Cas(string key, byte[] value, ulong index) => new() { KV = new TxnKvOp { Verb = "cas", Key = key, Value = value, Index = index } };

    public static TxnOp Delete(string key) => new() { KV = new TxnKvOp { Verb = "delete", Key = key } };

    /// <summary>Delete only if the key's ModifyIndex is <paramref name="index"/>.</summary>
    public static TxnOp DeleteCas(string key, ulong index) => new() { KV = new TxnKvOp { Verb = "delete-cas", Key = key, Index = index } };
}
