using System.Net;
using System.Net.Sockets;

namespace Autopilot.Testing;

public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback TCP port free at the time of asking, never the same twice in one test run.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
