using System.Net;
using System.Net.Sockets;
using System.Text;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Silo.Tests;

/// <summary>
/// A silo's lifeline, as its peers read it: a stopping silo says goodbye; one whose process ends without stopping (its
/// kernel closes the connection) is a cut, which alone lets a peer declare it dead; another generation at the address, a
/// silo that serves no lifeline, or no answer at all says nothing. And the confirmation: whether anything accepts at a port.
/// </summary>
[Trait("Category", "unit")]
public sealed class LifelineTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 42);

    // Generous, for a loaded test machine: every reading here ends by itself well before it.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_silo_that_stops_says_goodbye_on_its_lifeline()
    {
        var server = await Serve(Silo);
        using var http = new HttpClient();
        using var within = new CancellationTokenSource(Generous);

        var named = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = LifelineWatch.ReadAsync(http, server.Lifeline, Silo, within.Token, named.SetResult);
        // Stopped only once the silo serves the lifeline: a host stopped before the request reaches it never opens one.
        await server.Opened.WaitAsync(Generous);
        await named.Task.WaitAsync(Generous); // the reader says so once the silo has named itself
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(reading.IsCompleted, "the lifeline of a running silo stays open");
        await server.App.StopAsync();

        Assert.Equal(LifelineWatch.Ending.Goodbye, await reading);
        await server.App.DisposeAsync();
    }

    [Fact]
    public async Task A_lifeline_that_the_kernel_closes_mid_answer_is_a_cut()
    {
        // What a killed process leaves: the answer began (chunked, as Kestrel sends it), named the silo, and the
        // connection then ends with no goodbye and no end of the answer.
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        using var http = new HttpClient();
        using var within = new CancellationTokenSource(Generous);
        var url = new Uri($"http://{peer.LocalEndpoint}{Lifeline.Path}");

        var reading = LifelineWatch.ReadAsync(http, url, Silo, within.Token);
        using (var connection = await peer.AcceptTcpClientAsync(within.Token))
        {
            await ReadRequest(connection.GetStream(), within.Token);
            var line = Silo.ToParsableString() + "\n";
            await connection.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n{line.Length:x}\r\n{line}\r\n"), within.Token);
        }

        Assert.Equal(LifelineWatch.Ending.Cut, await reading);
    }

    [Fact]
    public async Task A_lifeline_aborted_by_its_server_is_a_cut()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var abort = new TaskCompletionSource();
        var named = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet(Lifeline.Path, async context =>
        {
            await context.Response.WriteAsync(Silo.ToParsableString() + "\n");
            await context.Response.Body.FlushAsync();
            named.SetResult();
            await abort.Task;
            context.Abort();
        });
        await app.StartAsync();
        using var http = new HttpClient();
        using var within = new CancellationTokenSource(Generous);

        var reading = LifelineWatch.ReadAsync(http, new Uri(app.Urls.First() + Lifeline.Path), Silo, within.Token);
        // Aborted only once the silo was named: an answer aborted before its first line never opened a lifeline.
        await named.Task.WaitAsync(Generous);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(reading.IsCompleted, "the lifeline stays open until its server aborts it");
        abort.SetResult();

        Assert.Equal(LifelineWatch.Ending.Cut, await reading);
    }

    [Fact]
    public async Task Another_generation_at_the_silos_address_is_not_the_silo_watched()
    {
        var later = SiloAddress.New(Silo.Endpoint, Silo.Generation + 1);
        var server = await Serve(later);
        await using var app = server.App;
        using var http = new HttpClient();
        using var within = new CancellationTokenSource(Generous);

        Assert.Equal(LifelineWatch.Ending.OtherSilo, await LifelineWatch.ReadAsync(http, server.Lifeline, Silo, within.Token));
    }

    [Fact]
    public async Task A_silo_that_serves_no_lifeline_or_a_port_that_refuses_says_nothing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        await app.StartAsync();
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var http = new HttpClient();
        using var within = new CancellationTokenSource(Generous);

        var opened = 0;
        Assert.Equal(LifelineWatch.Ending.NotOpened, await LifelineWatch.ReadAsync(http, new Uri(app.Urls.First() + Lifeline.Path), Silo, within.Token, () => opened++));
        Assert.Equal(LifelineWatch.Ending.NotOpened, await LifelineWatch.ReadAsync(http, new Uri($"http://{refusing.LocalEndPoint}{Lifeline.Path}"), Silo, within.Token, () => opened++));
        Assert.Equal(0, opened);
    }

    [Fact]
    public async Task Reading_a_lifeline_ends_when_the_watch_stops()
    {
        var server = await Serve(Silo);
        await using var app = server.App;
        using var http = new HttpClient();
        using var stop = new CancellationTokenSource();

        var reading = LifelineWatch.ReadAsync(http, server.Lifeline, Silo, stop.Token);
        await server.Opened.WaitAsync(Generous);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Generous));
    }

    [Fact]
    public async Task A_port_where_a_process_listens_accepts_and_one_where_none_does_not()
    {
        using var listening = new TcpListener(IPAddress.Loopback, 0);
        listening.Start();
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        Assert.True(await LifelineWatch.AcceptsAsync(listening.LocalEndpoint, Generous, CancellationToken.None));
        Assert.False(await LifelineWatch.AcceptsAsync(refusing.LocalEndPoint!, Generous, CancellationToken.None));
    }

    // A silo's HTTP port serving the real lifeline of a silo at <paramref name="address"/>, on a loopback port of its own.
    // Opened completes when a lifeline request reaches the silo: from then on the silo names itself first, whatever follows
    // (its host's stop waits for the answer, and the answer ends with the goodbye).
    private static async Task<(WebApplication App, Uri Lifeline, Task Opened)> Serve(SiloAddress address)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<ILocalSiloDetails>(new Details(address));
        var app = builder.Build();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Use((context, next) =>
        {
            if (context.Request.Path == Lifeline.Path)
            {
                opened.TrySetResult();
            }

            return next(context);
        });
        app.MapLifeline();
        await app.StartAsync();
        return (app, new Uri(app.Urls.First() + Lifeline.Path), opened.Task);
    }

    private static async Task ReadRequest(NetworkStream stream, CancellationToken cancellationToken)
    {
        var read = new StringBuilder();
        var buffer = new byte[1024];
        while (!read.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var count = await stream.ReadAsync(buffer, cancellationToken);
            Assert.True(count > 0, "the reader closed before its request ended");
            read.Append(Encoding.ASCII.GetString(buffer, 0, count));
        }

        Assert.StartsWith($"GET {Lifeline.Path} HTTP/1.1", read.ToString(), StringComparison.Ordinal);
    }

    private sealed class Details(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "silo";

        public string ClusterId => "lifeline-tests";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
