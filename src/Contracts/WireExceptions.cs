using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Autopilot.Contracts;

/// <summary>
/// Exceptions that cross the wire between silo and gateway beyond those Orleans serializes by default (namespaces
/// Microsoft, System, Azure). Both ends register the same list.
/// </summary>
public static class WireExceptions
{
    /// <summary>
    /// A placement that passed its timeout fails with a <see cref="TimeoutException"/> whose inner exception is Polly's
    /// <c>TimeoutRejectedException</c> (Orleans 10 runs placement in a Polly pipeline). Orleans has no codec for it, so the
    /// silo could not send the rejection and the gateway saw a <c>CodecNotFoundException</c> (a 500) instead of a call
    /// that never ran.
    /// </summary>
    public static IServiceCollection AddAutopilotWireExceptions(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Polly.Timeout"));
}
