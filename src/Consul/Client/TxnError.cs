namespace Autopilot.Consul.Client;

public sealed class TxnError
{
    public int OpIndex { get; set; }

    public string What { get; set; } = "";
}
