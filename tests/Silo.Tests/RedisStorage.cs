using System.Text.Json;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization.Activators;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Autopilot.Silo.Tests;

/// <summary>Orleans' Redis grain storage, started outside a silo, for tests of what reads its records around it.</summary>
internal static class RedisStorage
{
    /// <summary>A silo's settings for the service <paramref name="serviceId"/> with its state on <paramref name="redis"/>.</summary>
    public static (IOptions<ClusterOptions> Cluster, IOptions<StorageOptions> Storage) Settings(string serviceId, string redis) =>
        (Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = serviceId }), Options.Create(new StorageOptions { Redis = redis }));

    /// <summary>The silo's connection to the Redis of <paramref name="storage"/>, made when first used.</summary>
    public static RedisConnection Connection(IOptions<StorageOptions> storage) =>
        new(storage, Options.Create(new StartupOptions()), NullLogger<RedisConnection>.Instance);

    // Orleans' Redis grain storage on the given connection, started as a silo starts it.
    public static async Task<RedisGrainStorage> Start(
        IOptions<StorageOptions> storage, IOptions<ClusterOptions> cluster, RedisConnection connection, IGrainStorageSerializer serializer, Func<string, GrainId, StackExchange.Redis.RedisKey>? getKey)
    {
        var options = new RedisStorageOptions
        {
            ConfigurationOptions = storage.Value.RedisConfiguration(),
            CreateMultiplexer = async _ => (await connection.GetAsync(), IsShared: true),
            GetStorageKey = getKey,
        };
        var store = new RedisGrainStorage("test", options, serializer, cluster, new NewActivators(), NullLogger<RedisGrainStorage>.Instance);
        var lifecycle = new StartOnly();
        store.Participate(lifecycle);
        await lifecycle.StartAsync();
        return store;
    }

    private sealed class NewActivators : IActivatorProvider
    {
        public IActivator<T> GetActivator<T>() => new Activator<T>();

        private sealed class Activator<T> : IActivator<T>
        {
            public T Create() => System.Activator.CreateInstance<T>();
        }
    }

    // A silo's lifecycle that only starts what subscribed, as a silo's start does.
    private sealed class StartOnly : ISiloLifecycle
    {
        private readonly List<ILifecycleObserver> observers = [];

        public int HighestCompletedStage => 0;

        public int LowestStoppedStage => 0;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            observers.Add(observer);
            return new Unsubscribe();
        }

        public async Task StartAsync()
        {
            foreach (var observer in observers)
            {
                await observer.OnStart(CancellationToken.None);
            }
        }

        private sealed class Unsubscribe : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    /// <summary>A storage serializer that writes JSON with System.Text.Json and the given options.</summary>
    public sealed class JsonStorage(JsonSerializerOptions? options = null) : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, options));

        public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, options);
    }
}
