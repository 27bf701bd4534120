using System.Globalization;
using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Contracts;
using Autopilot.Grains;
using Autopilot.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Autopilot.Silo;

public static class SiloHosting
{

    /// <summary>
    /// Everything that makes this process a silo of the cluster: clustering (Orleans' <c>Orleans:Clustering:ProviderType</c>,
    /// else Consul when <c>Consul:Address</c> is set, else localhost), grain storage, the activation rebalancer, failure
    /// detection and idle collection tuned for one network, seeding, registration and readiness. Orleans binds its own keys
    /// (<c>Orleans:ClusterId</c>, <c>Orleans:Name</c>, <c>Orleans:Endpoints:*</c>, ...) over the defaults set here.
    /// Throws <see cref="OptionsValidationException"/> on bad configuration.
    /// </summary>
    public static WebApplicationBuilder AddAutopilotSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var settings = SiloSettings.Load(configuration);
        var startup = StartupOptions.Load(configuration);
        var redis = StorageOptions.LoadRedis(configuration);
        var consul = ConsulClientOptions.Load(configuration);
        var memoryTrim = MemoryTrimOptions.Load(configuration);
        var dashboard = DashboardSwitch.Load(configuration);
        var providerType = configuration[$"{SiloSettings.Section}:Clustering:ProviderType"];
        var clustering = providerType is { Length: > 0 } ? $"{providerType} (Orleans:Clustering)" : consul is null ? "localhost (embedded)" : $"consul {consul.AddressUri}";
        var services = builder.Services;

        // Defaults first: Orleans binds its own section over them, and the host's own sections follow.
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        services.Configure<SiloOptions>(o => o.SiloName = settings.EffectiveName);
        services.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = settings.SiloPort;
            o.GatewayPort = settings.GatewayPort;
            // Orleans binds the ports of Orleans:Endpoints itself, but not this address. Unset, it is what the host's name
            // resolves to (a container's address on its own network), as the registration in Consul advertises too.
            if ((settings.AdvertisedIPAddress ?? HostAddress.NonLoopbackIPv4()) is { } advertised)
            {
                o.AdvertisedIPAddress = advertised;
            }
        });
        services.Configure<ClusterMembershipOptions>(o =>
        {
            // Fast failure detection for a cluster on one machine or one network; Orleans' defaults (5 s probes, never
            // under 2.5 s, three misses) take 15-20 s to declare a frozen silo dead, during which its grains answer nothing.
            // MaxProbeTimeout also sets how long Orleans 10 ignores votes against a silo that sent anything recently
            // (EnableConnectionLivenessCheck: MaxProbeTimeout x NumMissedProbesLimit): at 3 s that window alone held a
            // frozen silo's death back 6 s after its last message; at 2 s it is 4 s.
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.MinProbeTimeout = TimeSpan.FromSeconds(1);
            o.MaxProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            // A silo that joins ignores members silent in the table for this long (2 × 5 s): after every silo crashed at
            // once, the first to start again forms the cluster within seconds instead of waiting 30 s or more.
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.NumMissedTableIAmAliveLimit = 2;
            o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
            o.DefunctSiloExpiration = TimeSpan.FromMinutes(10);
        });
        services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{SiloSettings.Section}:Membership"));
        services.Configure<SiloMessagingOptions>(o =>
        {
            // Orleans waits 30 s by default for a placement and for a grain call between silos, longer than a request's
            // deadline (Api:RequestTimeout, 20 s). Every message for a grain waits on that grain's one placement in
            // progress: when the directory lookup inside a placement got no answer (after a whole-cluster crash, with the
            // DHT directory), every read of that grain waited past the deadline. A placement now gives up after 5 s and
            // fails its messages, which the gateway sends again to a placement of their own. A grain call between silos
            // waits no longer than the gateway's own call (ClientMessagingOptions.ResponseTimeout), and so does a call to
            // one of Orleans' system targets (a directory registration among them: one held a grain's activation past the
            // deadline after a whole-cluster crash; failed, the activation's messages are placed again).
            o.ResponseTimeout = Deadlines.SiloCall;
            o.SystemResponseTimeout = Deadlines.SiloCall;
            o.PlacementTimeout = Deadlines.Placement;
        });
        // Orleans binds its own Orleans:Messaging section over these defaults.
        services.AddAutopilotWireExceptions();
        services.Configure<GrainCollectionOptions>(o =>
        {
            // Idle records leave memory after two minutes, so a silo's memory follows the working set, not the table.
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        });
        services.Configure<GrainCollectionOptions>(configuration.GetSection($"{SiloSettings.Section}:GrainCollection"));
        services.Configure<GrainDirectoryOptions>(o =>
        {
            // Orleans caches up to a million grain locations (about 250 bytes each); entries of activations that idle
            // collection removed stay until evicted, so after a burst the cache, not the working set, sets the silo's memory.
            o.CacheSize = 20_000;
        });
        // Not under Orleans:GrainDirectory, where Orleans reads named grain directory providers.
        services.Configure<GrainDirectoryOptions>(configuration.GetSection("GrainDirectory"));

        builder.UseOrleans(silo =>
        {
            if (providerType is not { Length: > 0 })
            {
                if (consul is null)
                {
                    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, settings.ServiceId, settings.ClusterId);
                }
                else
                {
                    silo.UseConsulClustering(consul.CopyTo, o => o.InitializeTimeout = startup.DependencyTimeout);
                }
            }

            if (redis is not null)
            {
                const string redisStorage = GrainStorage.Name + "-redis";
                silo.AddRedisGrainStorage(redisStorage);
                silo.Services.AddOptions<Orleans.Persistence.RedisStorageOptions>(redisStorage)
                    .Configure<RedisConnection>((o, connection) =>
                    {
                        o.ConfigurationOptions = redis;
                        o.CreateMultiplexer = async _ => (await connection.GetAsync(), IsShared: true);
                    });
                // The grains' store is Redis behind a translation of its exceptions into ones every caller can read.
                silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(GrainStorage.Name,
                    (provider, _) => new PortableGrainStorage(provider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(redisStorage)));
            }
            else
            {
                silo.AddMemoryGrainStorage(GrainStorage.Name);
            }

            silo.AddIncomingGrainCallFilter<BoundaryExceptionFilter>();
            // The Orleans dashboard's grains and grain-call profiler; the gateways serve its page (/dashboard/index.html).
            if (dashboard.Enabled)
            {
                silo.AddDashboard();
            }

#pragma warning disable ORLEANSEXP002 // The rebalancer is experimental in Orleans 10; spreading activations onto new silos is the point of this stack.
            silo.AddActivationRebalancer();
            silo.Configure<ActivationRebalancerOptions>(o =>
            {
                // Cycles every 5 s instead of 15 s, so a silo that joins gets its share within a minute or two.
                o.SessionCyclePeriod = TimeSpan.FromSeconds(5);
                o.RebalancerDueTime = TimeSpan.FromSeconds(10);
            });
            silo.Configure<ActivationRebalancerOptions>(configuration.GetSection($"{SiloSettings.Section}:Rebalancer"));
#pragma warning restore ORLEANSEXP002

            silo.AddStartupTask(async (services, cancellationToken) =>
            {
                if (await services.GetRequiredService<IGrainFactory>().GetGrain<ISeedGrain>(0).EnsureSeeded())
                {
                    Log.Seeded(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloHosting)));
                }
            });
        });

        if (redis is not null)
        {
            services.AddSingleton(provider => new RedisConnection(redis, startup, provider.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddSingleton<IRecordIndex, RedisRecordIndex>();
        }
        else
        {
            services.AddSingleton<IRecordIndex, GrainRecordIndex>();
        }

        if (consul is not null)
        {
            services.AddConsulRegistration(consul.CopyTo, provider =>
            {
                var endpoints = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
                var health = ReachableUrl.Of(provider, endpoints.AdvertisedIPAddress);
                return new ServiceRegistrationOptions
                {
                    Name = HostRole.Silo.Name,
                    Id = InstanceName.For(HostRole.Silo.Name, endpoints.SiloPort),
                    Address = endpoints.AdvertisedIPAddress.ToString(),
                    Port = endpoints.SiloPort,
                    CheckUrl = new Uri(health, "health/ready").ToString(),
                    Meta =
                    {
                        ["silo_name"] = provider.GetRequiredService<ILocalSiloDetails>().Name,
                        ["cluster_id"] = provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
                        ["gateway_port"] = endpoints.GatewayPort.ToString(CultureInfo.InvariantCulture),
                        ["health"] = health.ToString(),
                        ["metrics"] = new Uri(health, "metrics").ToString(),
                    },
                };
            });
        }

        services.AddSingleton(settings);
        services.AddSingleton(new SiloModes(clustering, redis is null ? "memory" : $"redis {string.Join(',', redis.EndPoints)}"));
        services.AddSingleton<IReadyLine, SiloReadyLine>();
        services.AddHostedService<MembershipWatcher>();
        services.AddSingleton(memoryTrim);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<MemoryTrim>();
        services.AddHealthChecks().AddCheck<SiloReadyCheck>(HostRole.Silo.Name, tags: [HostingExtensions.ReadyTag]);
        return builder;
    }
}
