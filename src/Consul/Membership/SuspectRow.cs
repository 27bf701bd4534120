namespace Autopilot.Consul.Membership;

internal sealed class SuspectRow
{
    public string Silo { get; set; } = "";

    public DateTime Time { get; set; }
}
