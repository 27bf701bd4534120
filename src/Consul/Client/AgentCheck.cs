namespace Autopilot.Consul.Client;

/// <summary>A health check's state: <c>passing</c>, <c>warning</c> or <c>critical</c>.</summary>
public sealed class AgentCheck
{
    public string CheckID { get; set; } = "";

    public string Name { get; set; } = "";

    public string Status { get; set; } = "";

    public string ServiceID { get; set; } = "";

    public string ServiceName { get; set; } = "";

    public string Output { get; set; } = "";
}
