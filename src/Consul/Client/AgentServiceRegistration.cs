namespace Autopilot.Consul.Client;

/// <summary>The body of <c>PUT /v1/agent/service/register</c>.</summary>
public sealed class AgentServiceRegistration
{
    public string ID { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string>? Tags { get; set; }

    public string? Address { get; set; }

    public int Port { get; set; }

    public Dictionary<string, string>? Meta { get; set; }

    public AgentServiceCheck? Check { get; set; }
}
