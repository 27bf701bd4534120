namespace Autopilot.Edge;

/// <summary>One passing gateway instance, as Consul lists it.</summary>
public sealed record GatewayEndpoint(string Id, string Address, int Port)
{
    public override string ToString() => $"{Address}:{Port}";
}
