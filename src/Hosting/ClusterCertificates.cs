using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>
/// This process's certificate and the cluster's CA (<see cref="ClusterTlsOptions"/>), and the one rule for a remote
/// certificate: it chains to the cluster's CA, with that CA as the only root trusted (the machine's roots count for
/// nothing), and it is valid now. Host names are not checked: silos are reached by address, and the CA signs only the
/// cluster's own members.
/// </summary>
public sealed class ClusterCertificates
{
    private readonly X509Certificate2 authority;

    public ClusterCertificates(ClusterTlsOptions options)
    {
        try
        {
            Certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificateFile!, password: null);
            authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaFile!));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions),
                [$"{ClusterTlsOptions.Section}:CertificateFile '{options.CertificateFile}' or {ClusterTlsOptions.Section}:CaFile '{options.CaFile}' cannot be read as a certificate: {e.Message}"]);
        }

        if (!Certificate.HasPrivateKey)
        {
            throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions),
                [$"{ClusterTlsOptions.Section}:CertificateFile '{options.CertificateFile}' holds no private key."]);
        }

        // Read the certificate's extended key usages here, once, on one thread. .NET decodes them lazily on first read,
        // and two threads reading them at once may see an empty list (docs/repro/CertificateUsageRace: 3-12 refusals in
        // 20,000 trials). Orleans builds its silo and gateway listeners' TLS middleware on their first connections, at
        // once, and each checks the server usage; the one that sees none throws in its accept loop, which then ends for
        // good: the port stays bound and never answers (a silo that no gateway could reach, every request failing).
        if (!Allows(Certificate, ServerAuthentication) || !Allows(Certificate, ClientAuthentication))
        {
            throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions),
                [$"{ClusterTlsOptions.Section}:CertificateFile '{options.CertificateFile}' is not allowed for both TLS server and client authentication (extended key usages 1.3.6.1.5.5.7.3.1 and .2): silos are servers and clients of each other."]);
        }
    }

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>This process's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Reads the section while the host is built (TLS decides how Orleans connects), checked by its validator.</summary>
    public static ClusterCertificates? Read(IConfiguration configuration)
    {
        if (!ClusterTlsOptions.Configured(configuration))
        {
            return null;
        }

        var options = new ClusterTlsOptions();
        configuration.GetSection(ClusterTlsOptions.Section).Bind(options);
        var result = new ClusterTlsOptions.Validator().Validate(null, options);
        return result.Failed
            ? throw new OptionsValidationException(ClusterTlsOptions.Section, typeof(ClusterTlsOptions), result.Failures)
            : new ClusterCertificates(options);
    }

    /// <summary>Orleans' rule: a certificate without the extension is allowed every usage.</summary>
    private static bool Allows(X509Certificate2 certificate, string usage)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        return usages.Count == 0 || usages.Any(extension => extension.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == usage));
    }

    /// <summary>Whether <paramref name="remote"/> was issued by the cluster's CA (and is valid now); the platform's own verdict is not asked.</summary>
    public bool Trusted(X509Certificate2 remote, X509Chain? chain, SslPolicyErrors errors)
    {
        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.Add(authority);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        own.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return own.Build(remote) && own.ChainElements[^1].Certificate.Thumbprint == authority.Thumbprint;
    }
}
