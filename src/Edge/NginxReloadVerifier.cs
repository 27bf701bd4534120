namespace Autopilot.Edge;

/// <summary>
/// Tells when a reload is in effect: new connections are served by workers that loaded the expected generation (nginx's
/// <c>/health</c> reports it), and the old workers have exited (they close idle keep-alive connections at once and finish
/// the requests they hold), so afterwards no connection is served with the previous upstream. Bounded to five seconds.
/// </summary>
public sealed partial class NginxReloadVerifier(EdgeOptions options, TimeProvider time, ILogger<NginxReloadVerifier> logger) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly HttpClient probe = new() { Timeout = TimeSpan.FromSeconds(1) };

    public async Task<bool> InEffectAsync(int generation, IReadOnlyList<int> oldWorkers, Func<bool> running, CancellationToken cancellationToken)
    {
        var host = options.ListenHost is "0.0.0.0" or "*" or "[::]" ? "127.0.0.1" : options.ListenHost;
        var expected = $"\"generation\":{generation}}}";
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < Bound)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}:{options.ListenPort}/health");
                request.Headers.ConnectionClose = true;
                using var response = await probe.SendAsync(request, cancellationToken);
                if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains(expected, StringComparison.Ordinal)
                    && oldWorkers.All(pid => !Posix.Exists(pid)))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // nginx is between workers; ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }

        LogNotInEffect(logger, generation);
        return running();
    }

    public void Dispose() => probe.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "nginx did not show generation {Generation} on /health within 5 s of the reload")]
    private static partial void LogNotInEffect(ILogger logger, int generation);
}
