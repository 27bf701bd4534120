namespace Autopilot.Consul.Client;

/// <summary>A service as the agent or the catalog reports it.</summary>
public sealed class AgentService
{
    public string ID { get; set; } = "";

    public string Service { get; set; } = "";

    public string Address { get; set; } = "";

    public int Port { get; set; }

    public List<string>? Tags { get; set; }

    public Dictionary<string, string>? Meta { get; set; }
}
