using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Autopilot.Hosting;

/// <summary>The address other machines reach this process at, when none is configured.</summary>
public static class HostAddress
{
    /// <summary>
    /// The IPv4 address this host's name resolves to, if it is not loopback: in a container that is its address on its own
    /// network (compose, a Swarm overlay), not on a bridge used for egress only. Else the first non-loopback IPv4 of an
    /// interface that is up; null if there is none.
    /// </summary>
    public static IPAddress? NonLoopbackIPv4()
    {
        try
        {
            var byName = Dns.GetHostAddresses(Dns.GetHostName())
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
            if (byName is not null)
            {
                return byName;
            }
        }
        catch (SocketException)
        {
            // The name does not resolve: fall back to the interfaces.
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
    }
}
