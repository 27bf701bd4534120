namespace Autopilot.Edge;

/// <summary>
/// Puts a set of gateways into nginx's service safely: the rendered upstream replaces the file by rename, <c>nginx -t</c>
/// checks it (a refused file is rolled back and the previous upstream keeps serving), nginx reloads, and the reload is
/// confirmed in effect.
/// </summary>
public sealed partial class NginxSink(
    NginxFiles files,
    NginxCommand command,
    NginxProcess nginx,
    NginxReloadVerifier verifier,
    EdgeStatus status,
    ILogger<NginxSink> logger) : IUpstreamSink, IDisposable
{
    private readonly SemaphoreSlim applying = new(1, 1);
    private IReadOnlyList<GatewayEndpoint> current = [];
    private int generation;

    public string Name => "nginx";

    public async Task<bool> ApplyAsync(IReadOnlyList<GatewayEndpoint> gateways, CancellationToken cancellationToken)
    {
        await applying.WaitAsync(cancellationToken);
        try
        {
            foreach (var unsafeGateway in gateways.Where(g => !NginxUpstream.IsSafe(g)))
            {
                LogUnsafe(logger, unsafeGateway.Id, unsafeGateway.ToString());
            }

            if (gateways.SequenceEqual(current))
            {
                return true;
            }

            await files.ReplaceUpstreamAsync(NginxUpstream.Render(gateways, generation + 1), cancellationToken);
            var (valid, output) = await command.TestAsync(cancellationToken);
            if (!valid)
            {
                files.RollBack();
                LogRefused(logger, output);
                status.Refused(output);
                EdgeMetrics.Reloads.Add(1, new KeyValuePair<string, object?>("result", "refused"));
                return false;
            }

            generation++;
            current = gateways;
            var oldWorkers = nginx.Workers();
            var applied = nginx.Reload($"{gateways.Count} gateway(s) from Consul, generation {generation}")
                && await verifier.InEffectAsync(generation, oldWorkers, () => nginx.Running, cancellationToken);
            EdgeMetrics.Reloads.Add(1, new KeyValuePair<string, object?>("result", applied ? "applied" : "failed"));
            return applied;
        }
        finally
        {
            applying.Release();
        }
    }

    public void Dispose() => applying.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "nginx -t refused the new upstream, so the previous one stays: {Output}")]
    private static partial void LogRefused(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Left gateway {Id} out of nginx's upstream: '{Endpoint}' is not an IP address or host name")]
    private static partial void LogUnsafe(ILogger logger, string id, string endpoint);
}
