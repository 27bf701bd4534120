using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Autopilot.Stack.Cli;

/// <summary>
/// The cluster's own certificate authority and the certificates it signs for the silos and the gateways (mutual TLS on
/// every Orleans connection), made with .NET's X509 APIs when absent: <c>cluster-ca.crt</c> and its key, and one PKCS#12
/// file per role. Kept with the other secrets (the local run folder, or deploy/.secrets for the containers), never committed.
/// </summary>
public static class ClusterCa
{
    public const string AuthorityCertificate = "cluster-ca.crt";
    public const string AuthorityKey = "cluster-ca.key";

    /// <summary>The PKCS#12 file of <paramref name="role"/>'s certificate (with its key).</summary>
    public static string CertificateOf(string role) => $"{role}.pfx";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(825);

    /// <summary>Makes the CA (if absent) and a certificate for each of <paramref name="roles"/> (if absent) in <paramref name="folder"/>.</summary>
    public static void Ensure(string folder, IEnumerable<string> roles, Action<string, string> writeSecret, Action<string, byte[]> writeSecretBytes)
    {
        var caPath = Path.Combine(folder, AuthorityCertificate);
        var keyPath = Path.Combine(folder, AuthorityKey);
        if (!File.Exists(caPath) || !File.Exists(keyPath))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=autopilot cluster CA", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            using var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + Lifetime);
            writeSecret(keyPath, key.ExportPkcs8PrivateKeyPem());
            writeSecret(caPath, authority.ExportCertificatePem());
        }

        using var ca = X509Certificate2.CreateFromPemFile(caPath, keyPath);
        foreach (var role in roles)
        {
            var path = Path.Combine(folder, CertificateOf(role));
            if (File.Exists(path) && Signed(path, ca))
            {
                continue;
            }

            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=autopilot {role}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            // Silos are servers and clients of each other; gateways are clients. Both usages for both keeps one rule.
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f;
            using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + Lifetime - TimeSpan.FromDays(1), serial);
            using var withKey = signed.CopyWithPrivateKey(key);
            writeSecretBytes(path, withKey.Export(X509ContentType.Pkcs12));
        }
    }

    private static bool Signed(string path, X509Certificate2 ca)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            return certificate.Issuer == ca.Subject && certificate.NotAfter > DateTime.UtcNow.AddDays(30);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
