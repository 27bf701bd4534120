using Autopilot.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Autopilot.Gateway;

/// <summary>This gateway's name, unique per process (<see cref="InstanceName"/> of its HTTP port), as <c>/cluster</c> and Consul show it.</summary>
public sealed class GatewayIdentity(IServer server)
{
    private string? name;

    public string Name => name ??= Create(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault());

    private static string Create(string? address) =>
        address is not null && Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)
            ? InstanceName.For(HostRole.Gateway.Name, uri.Port)
            : $"gateway-{Environment.MachineName.ToLowerInvariant()}";
}
