namespace Autopilot.Consul.Client;

public sealed class TxnResult
{
    public KvPair? KV { get; set; }
}
