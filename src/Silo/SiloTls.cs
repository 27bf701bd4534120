using Autopilot.Hosting;
using Orleans.Connections.Security;

namespace Autopilot.Silo;

/// <summary>Mutual TLS on every Orleans connection of the silo (from other silos and from gateways), when <c>Tls:CertificateFile</c> is set.</summary>
internal static class SiloTls
{
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo)
    {
        if (ClusterCertificates.Read(silo.Configuration) is { } certificates)
        {
            silo.Services.AddSingleton(certificates);
            silo.UseTls(certificates.Certificate, options =>
            {
                options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                options.RemoteCertificateValidation = certificates.Trusted;
            });
        }

        return silo;
    }
}
