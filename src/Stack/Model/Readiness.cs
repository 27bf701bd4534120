namespace Autopilot.Stack.Model;

/// <summary>
/// How to tell that a part serves: an HTTP endpoint that answers 2xx, Consul with a leader, or Redis answering PING (after
/// AUTH with the password in <see cref="SecretFile"/>, when it has one).
/// </summary>
public sealed record Readiness(ReadinessKind Kind, Uri Url, string? SecretFile = null)
{
    public static Readiness Http(Uri url) => new(ReadinessKind.Http, url);

    public static Readiness ConsulLeader(Uri consul) => new(ReadinessKind.ConsulLeader, consul);

    public static Readiness RedisPing(int port, string? passwordFile) => new(ReadinessKind.RedisPing, StackPorts.Loopback(port), passwordFile);
}
