using Autopilot.Hosting;
using Orleans.Connections.Security;

namespace Autopilot.Gateway;

/// <summary>Mutual TLS on the gateway's Orleans connections to the silos, when <c>Tls:CertificateFile</c> is set.</summary>
internal static class GatewayTls
{
    public static IClientBuilder UseClusterTls(this IClientBuilder client)
    {
        if (ClusterCertificates.Read(client.Configuration) is { } certificates)
        {
            client.Services.AddSingleton(certificates);
            client.UseTls(certificates.Certificate, options =>
            {
                options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                options.RemoteCertificateValidation = certificates.Trusted;
            });
        }

        return client;
    }
}
