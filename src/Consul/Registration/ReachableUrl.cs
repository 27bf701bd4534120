using System.Net;
using Autopilot.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Consul.Registration;

/// <summary>The HTTP address other machines reach this process at, derived from what Kestrel listens on.</summary>
public static class ReachableUrl
{
    /// <summary>
    /// The first address the server listens on, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>)
    /// replaced by <paramref name="advertised"/>, or else by <see cref="HostAddress.NonLoopbackIPv4"/>.
    /// </summary>
    public static Uri Of(IServiceProvider services, IPAddress? advertised = null)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server listens on no address yet; register after the host has started.");
        var uri = new Uri(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            var host = advertised ?? HostAddress.NonLoopbackIPv4() ?? IPAddress.Loopback;
            uri = new UriBuilder(uri) { Host = host.ToString() }.Uri;
        }

        return uri;
    }
}
