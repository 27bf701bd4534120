using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Client;

/// <summary>
/// Consul refused this process's token (403: no such token, or a token whose policies do not allow the call). It is a
/// configuration error, not an outage: nothing retries it, and a host that meets it stops with exit code 2 and this one
/// sentence (it is an <see cref="OptionsValidationException"/>), instead of waiting for a Consul that will never say yes.
/// Once Consul has accepted the token, "ACL not found" is no longer this but an outage (<see cref="ConsulException.Outage"/>):
/// a restarted server forgets recent tokens until it has a leader.
/// </summary>
public sealed class ConsulAccessDeniedException(string message, bool tokenUnknown) : OptionsValidationException(ConsulClientOptions.Section, typeof(ConsulClientOptions), [message])
{
    /// <summary>Consul knows no such token ("ACL not found"), as opposed to a token whose policies forbid the call.</summary>
    public bool TokenUnknown { get; } = tokenUnknown;
}
