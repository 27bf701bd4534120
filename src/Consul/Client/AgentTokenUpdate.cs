namespace Autopilot.Consul.Client;

/// <summary>The body of <c>PUT /v1/agent/token/:kind</c>.</summary>
public sealed class AgentTokenUpdate
{
    public string Token { get; set; } = "";
}
