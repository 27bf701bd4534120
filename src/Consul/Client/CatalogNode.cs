namespace Autopilot.Consul.Client;

public sealed class CatalogNode
{
    public string Node { get; set; } = "";

    public string Address { get; set; } = "";
}
