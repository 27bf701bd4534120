using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>
/// Section <c>Tls</c> (ours): the certificate with which a silo or a gateway speaks mutual TLS on every Orleans connection
/// (silo to silo, client to silo), and the cluster's own CA, the only one whose certificates it accepts. Both unset: Orleans
/// speaks plaintext (the embedded mode, the in-process tests).
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Tls";

    /// <summary>The key that, when set, turns TLS on.</summary>
    public const string CertificateKey = $"{Section}:CertificateFile";

    /// <summary>A PKCS#12 file with this process's certificate and its private key, signed by the cluster's CA.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The cluster's CA certificate (PEM): a remote certificate must chain to it, and to nothing else.</summary>
    public string? CaFile { get; set; }

    public static bool Configured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[CertificateKey]);

    internal sealed class Validator : IValidateOptions<ClusterTlsOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterTlsOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.CertificateFile))
            {
                return ValidateOptionsResult.Success;
            }

            var errors = new List<string>();
            foreach (var (key, file) in new[] { ("CertificateFile", options.CertificateFile), ("CaFile", options.CaFile) })
            {
                if (string.IsNullOrWhiteSpace(file) || !File.Exists(file))
                {
                    errors.Add($"{Section}:{key} '{file}' does not exist; TLS needs both the certificate and the cluster's CA.");
                }
            }

            return AutopilotOptions.Result(errors);
        }
    }
}
