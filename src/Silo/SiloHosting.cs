using System.Net;
using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Contracts;
using Autopilot.Grains;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Autopilot.Silo;

public static class SiloHosting
{
    public const string DefaultUrl = "http://127.0.0.1:8090";

    /// <summary>
    /// Everything that makes this process a silo of the cluster: identity and endpoints, clustering, grain storage,
    /// the activation rebalancer, failure detection, seeding, health. Throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// on bad configuration.
    /// </summary>
    public static WebApplicationBuilder AddAutopilotSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var orleans = OrleansHostOptions.Load(configuration);
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var consul = ConsulClientOptions.Load(configuration);
        var embedded = consul is null;

        if (string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var advertised = orleans.EffectiveAdvertisedIP(embedded);
        var description = new SiloDescription(
            orleans.EffectiveSiloName,
            orleans.ClusterId,
            new IPEndPoint(advertised, orleans.SiloPort),
            new IPEndPoint(advertised, orleans.GatewayPort),
            Clustering: consul is null ? "localhost (embedded)" : $"consul {consul.AddressUri}",
            Storage: storage.Redis is { Length: > 0 } ? "redis" : "memory");

        builder.UseOrleans(silo =>
        {
            if (consul is null)
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, null, orleans.ServiceId, orleans.ClusterId);
            }
            else
            {
                silo.UseConsulClustering(consul.CopyTo);
                silo.ConfigureEndpoints(advertised, orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = description.Name);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Fast failure detection for a cluster on one machine or one network; Orleans' defaults suit WANs.
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
                o.DefunctSiloExpiration = TimeSpan.FromMinutes(10);
                o.DefunctSiloMinimumRetention = TimeSpan.FromMinutes(10);
            });
            silo.Configure<ClusterMembershipOptions>(configuration.GetSection($"{OrleansHostOptions.Section}:Membership"));

            if (storage.Redis is { Length: > 0 } redis)
            {
                var redisOptions = ParseRedis(redis);
                silo.AddRedisGrainStorage(GrainStorage.Name, o => o.ConfigurationOptions = redisOptions);
            }
            else
            {
                silo.AddMemoryGrainStorage(GrainStorage.Name);
            }

#pragma warning disable ORLEANSEXP002 // The rebalancer is experimental in Orleans 10; spreading activations onto new silos is the point of this stack.
            silo.AddActivationRebalancer();
            silo.Configure<ActivationRebalancerOptions>(o =>
            {
                // Cycles every 5 s instead of 15 s, so a silo that joins gets its share within a minute or two.
                o.SessionCyclePeriod = TimeSpan.FromSeconds(5);
                o.RebalancerDueTime = TimeSpan.FromSeconds(10);
            });
            silo.Configure<ActivationRebalancerOptions>(configuration.GetSection($"{OrleansHostOptions.Section}:Rebalancer"));
#pragma warning restore ORLEANSEXP002

            silo.AddStartupTask(async (services, cancellationToken) =>
            {
                if (await services.GetRequiredService<IGrainFactory>().GetGrain<ISeedGrain>(0).EnsureSeeded())
                {
                    Log.Seeded(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloHosting)));
                }
            });
        });

        if (consul is not null)
        {
            builder.Services.AddConsulRegistration(consul.CopyTo, services =>
            {
                var health = ReachableUrl.Of(services, advertised);
                return new ServiceRegistrationOptions
                {
                    Name = "silo",
                    Id = $"silo-{Environment.MachineName.ToLowerInvariant()}-{orleans.SiloPort}",
                    Address = advertised.ToString(),
                    Port = orleans.SiloPort,
                    CheckUrl = new Uri(health, "health/ready").ToString(),
                    Meta =
                    {
                        ["silo_name"] = description.Name,
                        ["cluster_id"] = orleans.ClusterId,
                        ["gateway_port"] = orleans.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["health"] = health.ToString(),
                    },
                };
            });
        }

        builder.Services.AddSingleton(description);
        builder.Services.AddHostedService<ReadyAnnouncer>();
        builder.Services.AddHealthChecks().AddCheck<SiloReadyCheck>("silo", tags: ["ready"]);
        return builder;
    }

    /// <summary>Maps <c>/health/live</c> (the process answers) and <c>/health/ready</c> (an active cluster member).</summary>
    public static WebApplication MapSiloHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private static ConfigurationOptions ParseRedis(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(StorageOptions.Section, typeof(StorageOptions),
                [$"Storage:Redis '{connectionString}' is not a Redis connection string: {e.Message}"]);
        }
    }
}
