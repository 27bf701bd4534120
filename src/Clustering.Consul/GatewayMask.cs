using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Messaging;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// Stops Orleans' client from sending new calls through a gateway while it keeps its connection to it open, so that the
/// answers of the calls in flight on that connection still come. Hand-written, by reflection: Orleans does this with
/// <c>GatewayManager.MarkAsUnavailableForSend</c> when a stopping silo's gateway asks its clients to stop sending, but
/// offers no public way to ask it.
/// <para>
/// Why not leave the gateway out of the list: Orleans' client then closes the connection. A silo that was silent to this
/// client for a moment only (a busy machine) lost the answers of every call in flight through it, and of the calls its
/// grains answered meanwhile that came in through other gateways: a silo delivers an answer to a client through its own
/// gateway whenever that gateway knows the client, connected or not, and drops the answers with the client 2 s after the
/// connection closed (<c>SiloTuning.ClientDropTimeout</c>). The client connects to it again only when a call needs a new
/// connection: 10 s later in a measured run, when those calls had timed out.
/// </para>
/// <para>
/// A masked gateway stays masked while this client's gateway list keeps asking (<see cref="ConsulGatewayListProvider"/>
/// asks at each refresh while the silo is silent), and for the list's <c>MaxStaleness</c> after the last ask
/// (<see cref="ConsulGatewayListProvider.UnreachableGatewayAvoidedFor"/>); Orleans has no way to unmask it sooner, so
/// new calls go through the other gateways meanwhile.
/// </para>
/// </summary>
public sealed partial class GatewayMask
{
    private static readonly Type? ManagerType = typeof(IGatewayListProvider).Assembly.GetType("Orleans.Messaging.GatewayManager");

    private static readonly MethodInfo? MarkMethod =
        ManagerType?.GetMethod("MarkAsUnavailableForSend", BindingFlags.Public | BindingFlags.Instance, [typeof(SiloAddress)]);

    private readonly Func<Action<SiloAddress>?> resolve;
    private Action<SiloAddress>? mark;

    /// <summary>The mask of the Orleans client whose services these are.</summary>
    public GatewayMask(IServiceProvider services, ILogger<GatewayMask> logger)
    {
        var warned = false;
        resolve = () =>
        {
            var manager = ManagerType is null ? null : services.GetService(ManagerType);
            if (manager is not null && MarkMethod is not null)
            {
                return MarkMethod.CreateDelegate<Action<SiloAddress>>(manager);
            }

            if (!warned)
            {
                warned = true;
                LogUnsupported(logger);
            }

            return null;
        };
    }

    /// <summary>A mask that calls <paramref name="mark"/> (for tests).</summary>
    public GatewayMask(Action<SiloAddress> mark) => resolve = () => mark;

    /// <summary>Whether this version of Orleans has the method the mask calls (a test pins it).</summary>
    public static bool Supported => MarkMethod is not null;

    /// <summary>
    /// Masks the gateway at <paramref name="gateway"/> (its proxy endpoint; Orleans keys gateways with generation 0) for
    /// new calls; false when Orleans' client cannot be asked, and the caller should leave it out of the list instead.
    /// </summary>
    public bool Mask(SiloAddress gateway)
    {
        var ask = mark ??= resolve();
        if (ask is null)
        {
            return false;
        }

        ask(gateway.Generation == 0 ? gateway : SiloAddress.New(gateway.Endpoint, 0));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This Orleans client cannot be asked to stop sending through a gateway while keeping its connection (GatewayManager.MarkAsUnavailableForSend not found); silent silos are left out of the gateway list instead")]
    private static partial void LogUnsupported(ILogger logger);
}
