// Two threads read the extended key usages of one freshly loaded certificate at once, with the check Orleans'
// TlsServerConnectionMiddleware makes in its constructor (CertificateLoader.IsCertificateAllowedForKeyUsage, restated
// here). The certificate allows server authentication; a read that says it does not is the race.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
var trials = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 20_000;
var warm = args.Contains("--decode-first");

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var request = new CertificateRequest("CN=usage race", key, HashAlgorithmName.SHA256);
request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
var pkcs12 = made.Export(X509ContentType.Pkcs12);

var refused = 0;
var clock = Stopwatch.StartNew();
for (var trial = 0; trial < trials; trial++)
{
    using var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
    if (warm)
    {
        _ = Allowed(certificate, ServerAuthentication);
    }

    using var start = new ManualResetEventSlim();
    var readers = Enumerable.Range(0, 2)
        .Select(_ => Task.Factory.StartNew(() => { start.Wait(); return Allowed(certificate, ServerAuthentication); }, TaskCreationOptions.LongRunning))
        .ToArray();
    start.Set();
    refused += (await Task.WhenAll(readers)).Count(allowed => !allowed);
}

Console.WriteLine($"{trials} certificates, two readers each{(warm ? ", usages decoded first on one thread" : "")}: " +
    $"{refused} reads said the certificate is not allowed for server authentication ({clock.Elapsed.TotalSeconds:F0} s)");
return refused == 0 ? 0 : 1;

static bool Allowed(X509Certificate2 certificate, string usage)
{
    var hasExtension = false;
    foreach (var extension in certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>())
    {
        hasExtension = true;
        foreach (var oid in extension.EnhancedKeyUsages)
        {
            if (oid.Value == usage)
            {
                return true;
            }
        }
    }

    return !hasExtension;
}
