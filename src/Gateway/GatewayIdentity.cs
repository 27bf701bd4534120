using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Autopilot.Gateway;

/// <summary>This gateway's name, unique per process: host and HTTP port, as <c>/cluster</c> reports it.</summary>
public sealed class GatewayIdentity(IServer server)
{
    private string? name;

    public string Name => name ??= Create(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault());

    private static string Create(string? address)
    {
        var host = Environment.MachineName.ToLowerInvariant();
        return address is not null && Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)
            ? $"gateway-{host}-{uri.Port}"
            : $"gateway-{host}";
    }
}
