namespace Autopilot.Stack.Model;

public enum ReadinessKind
{
    Http,
    ConsulLeader,
    RedisPing,
}
