using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// The silo's one connection to Redis, shared by grain storage and the record index. A silo may start before Redis accepts
/// connections (containers start together, or Redis restarts): the first connect is retried with back-off, each attempt
/// logged, for <see cref="StartupOptions.DependencyTimeout"/>; after that StackExchange.Redis reconnects by itself.
/// </summary>
public sealed partial class RedisConnection(IOptions<StorageOptions> storage, IOptions<StartupOptions> startup, ILogger<RedisConnection> logger) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> connection = new(() => ConnectAsync(storage.Value.RedisConfiguration()!, startup.Value, logger));

    public Task<IConnectionMultiplexer> GetAsync() => connection.Value;

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            await connection.Value.Result.DisposeAsync();
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, StartupOptions startup, ILogger logger)
    {
        var endpoints = string.Join(',', options.EndPoints);
        var multiplexer = await StartupRetry.RunAsync<IConnectionMultiplexer>(
            $"Redis at {endpoints} (Storage:Redis)",
            async _ => await ConnectionMultiplexer.ConnectAsync(options),
            e => e is RedisConnectionException,
            startup.DependencyTimeout,
            logger);
        LogConnected(logger, endpoints);
        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints}")]
    private static partial void LogConnected(ILogger logger, string endpoints);
}
