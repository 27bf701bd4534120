using Autopilot.Grains;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>Where grains keep their state and the record index its names: Redis (<c>Storage:Redis</c>), else the silos' memory.</summary>
internal static class SiloStorage
{
    public static ISiloBuilder AddAutopilotStorage(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddAutopilotOptions<StorageOptions, StorageOptions.Validator>(StorageOptions.Section);
        if (!StorageOptions.RedisConfigured(silo.Configuration))
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            services.AddSingleton(IStoredVersions.None);
            services.AddSingleton(IStoredRecords.None);
            services.AddSingleton<IRecordIndex, GrainRecordIndex>();
            services.AddSingleton(new StorageChoice("memory"));
            return silo;
        }

        const string redisStorage = GrainStorage.Name + "-redis";
        silo.AddRedisGrainStorage(redisStorage);
        services.AddOptions<Orleans.Persistence.RedisStorageOptions>(redisStorage)
            .Configure<RedisConnection, IOptions<StorageOptions>, IOptions<ClusterOptions>>((o, connection, storage, cluster) =>
            {
                o.ConfigurationOptions = storage.Value.RedisConfiguration();
                o.CreateMultiplexer = async _ => (await connection.GetAsync(), IsShared: true);
                // The key RedisStoredVersions reads each record's version at (Orleans' default layout, made ours).
                var prefix = RedisStoredVersions.Prefix(cluster.Value.ServiceId);
                o.GetStorageKey = (stateName, grainId) => RedisStoredVersions.Key(prefix, stateName, grainId);
            });
        // The grains' store is Redis behind a translation of its exceptions into ones every caller can read.
        services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(GrainStorage.Name,
            (provider, _) => new PortableGrainStorage(provider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(redisStorage)));
        services.AddSingleton<RedisConnection>();
        LocationHints.AddTo(services, silo.Configuration);
        services.AddSingleton<IRecordIndex, RedisRecordIndex>();
        services.AddSingleton<IStoredVersions, RedisStoredVersions>();
        // Read as the storage writes them: by its own serializer if it was given one, else the silo's.
        services.AddSingleton<IStoredRecords>(provider => new RedisStoredRecords(
            provider.GetRequiredService<RedisConnection>(),
            provider.GetRequiredService<IOptions<ClusterOptions>>(),
            provider.GetRequiredService<IOptionsMonitor<Orleans.Persistence.RedisStorageOptions>>().Get(redisStorage).GrainStorageSerializer
                ?? provider.GetRequiredService<Orleans.Storage.IGrainStorageSerializer>()));
        services.AddSingleton(provider =>
            new StorageChoice($"redis {string.Join(',', provider.GetRequiredService<IOptions<StorageOptions>>().Value.RedisConfiguration()!.EndPoints)}"));
        return silo;
    }
}
