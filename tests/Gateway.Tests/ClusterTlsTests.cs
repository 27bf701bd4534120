using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Autopilot.Hosting;
using Autopilot.Stack.Cli;
using Microsoft.Extensions.Options;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Mutual TLS on Orleans' connections (Tls:CertificateFile and Tls:CaFile, certificates of the cluster's own CA made as
/// ./autopilot makes them): a gateway with the cluster's certificate is served; a client
/// with no certificate, or one another CA signed, cannot connect, and what the silo sends is TLS. (A silo of another CA
/// cannot join: ConsulClusterTests, with silo processes, since Orleans ends the process of a silo declared dead.)
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"tls-{Guid.NewGuid():N}");

    private string Cluster => Authority("cluster");

    private string Foreign => Authority("foreign");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_gateway_with_the_clusters_certificate_is_served()
    {
        await using var cluster = await InProcessCluster.StartAsync("tls", Tls(Cluster, "silo"));
        await using var gateway = cluster.NewGateway(null, Settings(Cluster, "gateway"));

        using var answer = await gateway.CreateClient().GetAsync("/cluster");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Theory]
    [InlineData("cluster", true)]
    [InlineData("none", false)]
    [InlineData("foreign", false)]
    public async Task A_client_connects_only_with_a_certificate_of_the_clusters_CA(string certificate, bool connects)
    {
        await using var cluster = await InProcessCluster.StartAsync("tls-client", Tls(Cluster, "silo"));
        using var own = certificate == "none"
            ? null
            : X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(certificate == "cluster" ? Cluster : Foreign, ClusterCa.CertificateOf("gateway")), password: null);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, cluster.GatewayPort);
        var wire = new RecordingStream(tcp.GetStream());
        await using var tls = new SslStream(wire, leaveInnerStreamOpen: false);

        // The silo's gateway port as a client meets it: a TLS handshake (Orleans' client speaks its preamble only after it),
        // then the first read. The silo requires a client certificate of its CA: without one the connection is closed.
        Exception? refused = null;
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "silo",
                ClientCertificates = own is null ? null : [own],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            // TLS 1.3 sends the client's certificate after the handshake: the server's verdict arrives with the first read.
            if (await tls.ReadAsync(new byte[1], read.Token) == 0)
            {
                refused = new IOException("the silo closed the connection after the handshake");
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            refused = e is OperationCanceledException ? null : e;
        }

        Assert.True(connects == (refused is null), $"a client with {certificate} certificate: {(refused is null ? "connected" : $"refused ({refused.Message})")}");
        // What the silo sent is TLS: a handshake record (content type 22, version 3.x) with the cluster CA's certificate,
        // not Orleans' plaintext preamble (which carries the cluster's id).
        var fromSilo = wire.Received.ToArray();
        Assert.True(fromSilo.Length > 5, "the silo sent nothing; the test proves nothing");
        Assert.Equal((0x16, 0x03), (fromSilo[0], fromSilo[1]));
        Assert.DoesNotContain(cluster.ClusterId, Encoding.UTF8.GetString(fromSilo), StringComparison.Ordinal);
        Assert.Equal("CN=autopilot cluster CA", tls.RemoteCertificate?.Issuer);
    }

    [Fact]
    public void A_certificate_not_allowed_for_server_authentication_is_refused_at_start_naming_the_key()
    {
        // The check also decodes the usages once, before Orleans' two listeners read them at once (ClusterCertificates).
        var path = Path.Combine(folder, "client-only.pfx");
        Directory.CreateDirectory(folder);
        using (var key = ECDsa.Create())
        {
            var request = new CertificateRequest("CN=client only", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        }

        var error = Assert.Throws<OptionsValidationException>(() =>
            new ClusterCertificates(new ClusterTlsOptions { CertificateFile = path, CaFile = Path.Combine(Cluster, ClusterCa.AuthorityCertificate) }));

        Assert.Contains($"{ClusterTlsOptions.Section}:CertificateFile '{path}' is not allowed for both TLS server and client authentication", error.Message, StringComparison.Ordinal);
        Assert.NotNull(new ClusterCertificates(new ClusterTlsOptions { CertificateFile = Path.Combine(Cluster, ClusterCa.CertificateOf("silo")), CaFile = Path.Combine(Cluster, ClusterCa.AuthorityCertificate) }).Certificate);
    }

    private string[] Tls(string authority, string role) =>
        [$"--{ClusterTlsOptions.Section}:CertificateFile={Path.Combine(authority, ClusterCa.CertificateOf(role))}", $"--{ClusterTlsOptions.Section}:CaFile={Path.Combine(authority, ClusterCa.AuthorityCertificate)}"];

    private (string, string)[] Settings(string authority, string role) =>
        [(ClusterTlsOptions.CertificateKey, Path.Combine(authority, ClusterCa.CertificateOf(role))), ($"{ClusterTlsOptions.Section}:CaFile", Path.Combine(authority, ClusterCa.AuthorityCertificate))];

    private string Authority(string name)
    {
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(path);
        ClusterCa.Ensure(path, ["silo", "gateway"], File.WriteAllText, File.WriteAllBytes);
        return path;
    }

    /// <summary>A stream that keeps every byte read through it, as it came off the wire.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        public MemoryStream Received { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Received.Write(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Received.Write(buffer, offset, read);
            return read;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                Received.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
