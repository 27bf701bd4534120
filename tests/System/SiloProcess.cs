using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>A silo process joined to a Consul agent; every port its own.</summary>
internal sealed record SiloProcess(ChildProcess Process, int SiloPort, int GatewayPort, int HttpPort)
{
    public static SiloProcess Start(string name, Uri consul, string clusterId, params string[] extra)
    {
        var (siloPort, gatewayPort, httpPort) = (TestPorts.Next(), TestPorts.Next(), TestPorts.Next());
        var process = Hosts.Start(name, "Silo",
        [
            $"--Consul:Address={consul}", $"--Orleans:ClusterId={clusterId}", "--Orleans:Endpoints:AdvertisedIPAddress=127.0.0.1",
            $"--Orleans:Endpoints:SiloPort={siloPort}", $"--Orleans:Endpoints:GatewayPort={gatewayPort}", $"--urls=http://127.0.0.1:{httpPort}", .. extra,
        ]);
        return new SiloProcess(process, siloPort, gatewayPort, httpPort);
    }

    public string Name => $"silo-{Environment.MachineName.ToLowerInvariant()}-{SiloPort}";
}
