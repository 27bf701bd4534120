namespace Autopilot.Clustering.Consul;

internal sealed class SuspectRow
{
    public string Silo { get; set; } = "";

    public DateTime Time { get; set; }
}
