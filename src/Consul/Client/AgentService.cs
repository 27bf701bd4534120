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

    /// <summary>
    /// The service's address and port as <see cref="System.Net.IPEndPoint.ToString"/> writes them (<c>10.0.0.5:11111</c>,
    /// <c>[::1]:11111</c>), so that a registration made at an endpoint can be matched to it; a host name stays as it is.
    /// </summary>
    public string Endpoint() =>
        System.Net.IPAddress.TryParse(Address, out var ip) ? new System.Net.IPEndPoint(ip, Port).ToString() : $"{Address}:{Port}";
}
