using System.Threading.Channels;
using Autopilot.Contracts;
using Autopilot.Grains;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// Hand-written (Orleans 10 has no replicated directory cache): every silo tells the others, over Redis pub/sub, where the
/// record grains it activates live, and each puts what it hears in its own grain directory cache. Orleans' in-cluster
/// directory has one owner per grain; a silo that has not cached a grain's place asks that owner, and when the owner is
/// frozen or cut off the ask waits until the owner is declared dead (seconds), holding calls for grains that live on
/// healthy silos (a gateway's calls sent again through another gateway silo, a rep's call to its client). With the hints,
/// the silos have cached every active record where it lives, and a sick owner holds only new activations. A hint is only a
/// cache entry: one that is stale (the grain moved or left) is found out and corrected by Orleans as any stale entry is, at
/// the silo it names. The directory stays the one authority, and a silo that misses hints (Redis away) asks it as before.
/// A silo's own activations go into its own cache at once (Orleans caches a registration's result, but not every path).
/// An entry lives <see cref="GrainDirectoryOptions.MaximumCacheTTL"/> in the cache (Orleans: 4 min), so every silo announces
/// its live records again each half of that; and a second after each change of membership, because Orleans drops from a
/// silo's cache the entries of the directory partitions it takes over, and does not cache them again when it hands them
/// on (a silo cut again and again takes partitions each time it comes back).
/// </summary>
public sealed partial class LocationHints : IActivationWorkingSetObserver, IHostedService, IAsyncDisposable
{
    /// <summary>
    /// <c>GrainDirectory:LocationHints</c> (ours): on by default where grain state is in Redis; false turns the hints off.
    /// </summary>
    public const string Switch = "GrainDirectory:LocationHints";

    /// <summary>How long announcements gather before one message carries them: a burst of activations is one publish.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private const int MostPerMessage = 2_000;
    private const byte Added = 1;
    private const byte Removed = 2;

    private readonly Channel<(byte Kind, GrainAddress Address)> announcements =
        Channel.CreateBounded<(byte, GrainAddress)>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<GrainId, GrainAddress> live = new();
    private readonly Channel<bool> announceAllNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Func<IAsyncEnumerable<MembershipVersion>> membershipChanges;
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private readonly IGrainDirectoryCache cache;
    private readonly RedisConnection redis;
    private readonly Serializer<GrainAddress[]> serializer;
    private readonly SiloAddress self;
    private readonly Func<GrainType, bool> hinted;
    private readonly RedisChannel channel;
    private readonly ILogger logger;
    private Task? running;
    private int disposed;

    public LocationHints(
        IGrainDirectoryCache cache,
        RedisConnection redis,
        Serializer<GrainAddress[]> serializer,
        SiloAddress self,
        Func<GrainType, bool> hinted,
        string serviceId,
        TimeSpan announceAgain,
        Func<IAsyncEnumerable<MembershipVersion>> membershipChanges,
        ILogger<LocationHints> logger)
    {
        AnnounceAgain = announceAgain;
        this.membershipChanges = membershipChanges;
        this.cache = cache;
        this.redis = redis;
        this.serializer = serializer;
        this.self = self;
        this.hinted = hinted;
        this.logger = logger;
        channel = RedisChannel.Literal($"{serviceId}/locations");
    }

    /// <summary>Registers the hints and the cache they fill unless the switch is off (grain state in Redis: SiloStorage).</summary>
    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        if (!FeatureSwitches.On(configuration, Switch))
        {
            return;
        }

        // Orleans takes the cache from the container when told so (Custom), and creates its own LRU cache otherwise: the
        // same LRU cache, made here, is the one Orleans reads and the hints fill. A configuration that turns caching off
        // (CachingStrategy None) or brings its own cache keeps it, and gets no hints.
        services.PostConfigure<GrainDirectoryOptions>(o =>
        {
            if (o.CachingStrategy == GrainDirectoryOptions.CachingStrategyType.LRU)
            {
                o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.Custom;
            }
        });
        services.AddSingleton<IGrainDirectoryCache>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
            return GrainDirectoryCacheFactory.CreateGrainDirectoryCache(provider, new GrainDirectoryOptions
            {
                CachingStrategy = GrainDirectoryOptions.CachingStrategyType.LRU,
                CacheSize = options.CacheSize,
                MaximumCacheTTL = options.MaximumCacheTTL,
            });
        });
        services.AddSingleton(provider =>
        {
            var records = new Lazy<HashSet<GrainType>>(() => RecordTypes(provider.GetRequiredService<IGrainFactory>()));
            return new LocationHints(
                provider.GetRequiredService<IGrainDirectoryCache>(),
                provider.GetRequiredService<RedisConnection>(),
                provider.GetRequiredService<Serializer<GrainAddress[]>>(),
                provider.GetRequiredService<ILocalSiloDetails>().SiloAddress,
                type => records.Value.Contains(type),
                provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                provider.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.MaximumCacheTTL / 2,
                () => provider.GetRequiredService<IClusterMembershipService>().MembershipUpdates.Select(snapshot => snapshot.Version),
                provider.GetRequiredService<ILogger<LocationHints>>());
        });
        services.AddSingleton<IActivationWorkingSetObserver>(provider => provider.GetRequiredService<LocationHints>());
        services.AddHostedService(provider => provider.GetRequiredService<LocationHints>());
    }

    /// <summary>Completes once this silo hears the others' hints (subscribed on Redis).</summary>
    public Task Listening => listening.Task;

    /// <summary>How long after a change of membership this silo announces its live records again: every silo's directory has moved its partitions by then.</summary>
    public static readonly TimeSpan AfterMembershipChange = TimeSpan.FromSeconds(1);

    /// <summary>How often this silo announces its live records again, so that the others' entries for them do not expire.</summary>
    public TimeSpan AnnounceAgain { get; }

    /// <summary>The grain types hinted: the records, whose number grows with the data and whose calls the guarantees are about.</summary>
    public static HashSet<GrainType> RecordTypes(IGrainFactory grains) =>
    [
        References<ICustomerGrain>.Get(grains, "-").GetGrainId().Type,
        References<ISalesRepGrain>.Get(grains, "-").GetGrainId().Type,
    ];

    void IActivationWorkingSetObserver.OnAdded(IActivationWorkingSetMember member) => Observe(member, Added);

    void IActivationWorkingSetObserver.OnDeactivated(IActivationWorkingSetMember member) => Observe(member, Removed);

    private void Observe(IActivationWorkingSetMember member, byte kind)
    {
        if (member is IGrainContext { Address: { } address } && hinted(address.GrainId.Type))
        {
            Announce(address, added: kind == Added);
        }
    }

    /// <summary>
    /// An activation of this silo began (<paramref name="added"/>) or ended: this silo's cache learns it now, the others from
    /// the next message.
    /// </summary>
    public void Announce(GrainAddress address, bool added)
    {
        if (added)
        {
            live[address.GrainId] = address;
        }
        else
        {
            live.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        }

        Learn(address, added);
        announcements.Writer.TryWrite((added ? Added : Removed, address));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        running = Task.Run(() => Run(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            return;
        }

        await stopping.CancelAsync();
        if (running is { } task)
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // The container disposes this one instance once for each service it was resolved as (itself, the observer, the hosted
    // service): only the first does anything, or the silo's stop would end in ObjectDisposedException (exit 1, not 0).
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            stopping.Dispose();
        }
    }

    private async Task Run(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await redis.GetAsync().WaitAsync(cancellationToken);
            var subscription = await connection.GetSubscriber().SubscribeAsync(channel);
            subscription.OnMessage(message => Hear(message.Message));
            LogListening(logger, channel.ToString());
            listening.TrySetResult();
            await Task.WhenAll(Publish(connection.GetSubscriber(), cancellationToken), Renew(cancellationToken), FollowMembership(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Redis did not answer within the start-up bound: the silo works as it would without hints (its directory asks
            // the owners), and says so once.
            LogStopped(logger, e.Message);
        }
    }

    private async Task Publish(ISubscriber subscriber, CancellationToken cancellationToken)
    {
        var added = new List<GrainAddress>();
        var removed = new List<GrainAddress>();
        var reader = announcements.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await Task.Delay(Gather, cancellationToken);
            while (added.Count + removed.Count < MostPerMessage && reader.TryRead(out var announcement))
            {
                (announcement.Kind == Added ? added : removed).Add(announcement.Address);
            }

            await Send(subscriber, Added, added);
            await Send(subscriber, Removed, removed);
        }
    }

    private async Task FollowMembership(CancellationToken cancellationToken)
    {
        await foreach (var _ in membershipChanges().WithCancellation(cancellationToken))
        {
            await Task.Delay(AfterMembershipChange, cancellationToken);
            announceAllNow.Writer.TryWrite(true);
        }
    }

    private async Task Renew(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = announceAllNow.Reader.WaitToReadAsync(cancellationToken).AsTask();
            await Task.WhenAny(now, Task.Delay(AnnounceAgain, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            announceAllNow.Reader.TryRead(out _);
            foreach (var (grain, address) in live)
            {
                // Not one that ended meanwhile: its end is announced already, and a start after it would outlive it.
                if (live.TryGetValue(grain, out var still) && still.Equals(address))
                {
                    Learn(address, added: true);
                    announcements.Writer.TryWrite((Added, address));
                }
            }
        }
    }

    // A message that cannot be sent is dropped, not queued: a late hint would be older than what the directory says by then.
    private async Task Send(ISubscriber subscriber, byte kind, List<GrainAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return;
        }

        var body = serializer.SerializeToArray([.. addresses]);
        addresses.Clear();
        var message = new byte[body.Length + 1];
        message[0] = kind;
        body.CopyTo(message, 1);
        try
        {
            await subscriber.PublishAsync(channel, message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogNotSent(logger, e.Message);
        }
    }

    private void Hear(RedisValue message)
    {
        try
        {
            ReadOnlyMemory<byte> bytes = message;
            if (bytes.Length < 2 || bytes.Span[0] is not (Added or Removed))
            {
                return;
            }

            var added = bytes.Span[0] == Added;
            foreach (var address in serializer.Deserialize(bytes[1..]) ?? [])
            {
                // This silo's own activations it learnt as they began; one it hears about later may be gone already.
                if (address.SiloAddress is { } silo && !silo.Equals(self) && hinted(address.GrainId.Type))
                {
                    Learn(address, added);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnreadable(logger, e.Message);
        }
    }

    private void Learn(GrainAddress address, bool added)
    {
        if (added)
        {
            cache.AddOrUpdate(address, 0);
        }
        else
        {
            // Only the entry for that activation: the grain may live elsewhere by now, and that entry stays.
            cache.Remove(address);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Location hints: sharing where record grains live on Redis channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Location hints stopped ({Reason}): this silo asks the grain directory for what it has not cached, as without them")]
    private static partial void LogStopped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Location hints not sent ({Reason}); dropped")]
    private static partial void LogNotSent(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A location hint could not be read ({Reason}); ignored")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
