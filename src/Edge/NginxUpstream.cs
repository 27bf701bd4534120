using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Edge;

/// <summary>
/// Renders the file nginx.conf includes: <c>upstream gateway</c> and <c>$gateway_available</c>. Addresses come
/// from Consul, so only IP addresses and plain host names are written; anything else could inject configuration.
/// </summary>
public static partial class NginxUpstream
{
    /// <summary><paramref name="generation"/> numbers the file, so that /health shows when nginx has loaded it.</summary>
    public static string Render(IReadOnlyList<GatewayEndpoint> gateways, int generation)
    {
        var text = new StringBuilder("# Rendered by the edge from Consul's passing gateway instances; do not edit.\n");
        var servers = gateways.Where(IsSafe).ToList();
        text.Append("upstream gateway {\n");
        if (servers.Count == 0)
        {
            // nginx needs a server in an upstream; this one is never used: $gateway_available makes nginx answer 503 itself.
            text.Append("    server 127.0.0.1:9 down;\n}\n");
        }
        else
        {
            // One view of the gateways for every nginx worker: without a zone each worker keeps its own failure marks, so
            // after the gateways came back a connection taken by one worker was served while the next, taken by another
            // that had marked them all failed a second later, was answered 502 "no live upstreams" (FaultTests, after the
            // whole-cluster crash). Shared, a gateway that refused is left out by every worker at once, and taken back by all.
            text.Append("    zone gateways 128k;\n");
            text.Append("    least_conn;\n");
            foreach (var server in servers)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    server {Host(server.Address)}:{server.Port} max_fails=1 fail_timeout=2s;\n");
            }

            text.Append("    keepalive 64;\n}\n");
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"map $host $gateway_available {{\n    default {(servers.Count == 0 ? 0 : 1)};\n}}\n");
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"map $host $upstream_generation {{\n    default {generation};\n}}\n");
        return text.ToString();
    }

    public static bool IsSafe(GatewayEndpoint gateway) =>
        gateway.Port is > 0 and <= 65535 && (IPAddress.TryParse(gateway.Address, out _) || HostName().IsMatch(gateway.Address));

    private static string Host(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : address;

    [GeneratedRegex("^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}
