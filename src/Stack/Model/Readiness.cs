namespace Autopilot.Stack.Model;

/// <summary>How to tell that a part serves: an HTTP endpoint that answers 2xx, Consul with a leader, or Redis answering PING.</summary>
public sealed record Readiness(ReadinessKind Kind, Uri Url)
{
    public static Readiness Http(Uri url) => new(ReadinessKind.Http, url);

    public static Readiness ConsulLeader(Uri consul) => new(ReadinessKind.ConsulLeader, consul);

    public static Readiness RedisPing(int port) => new(ReadinessKind.RedisPing, StackPorts.Loopback(port));
}
