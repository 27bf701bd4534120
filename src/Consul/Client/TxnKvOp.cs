namespace Autopilot.Consul.Client;

public sealed class TxnKvOp
{
    public string Verb { get; set; } = "";

    public string Key { get; set; } = "";

    public byte[]? Value { get; set; }

    public ulong? Index { get; set; }
}
