using System.Net;
using System.Threading.Channels;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;
using Orleans.Serialization;

namespace Autopilot.Silo.Tests;

/// <summary>
/// Location hints between silos over a real Redis: where one silo's record grains live reaches every other silo's grain
/// directory cache, so that none of them needs the directory's owner to find an active record.
/// </summary>
[Trait("Category", "unit")]
public sealed class LocationHintsTests
{
    private static readonly GrainType Customer = GrainType.Create("customer");
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_record_that_begins_on_one_silo_is_cached_by_the_others_until_it_ends_there()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await Silo(redis, 1);
        await using var b = await Silo(redis, 2);
        var acme = Address(Customer, "Acme", a.Address);

        a.Hints.Announce(acme, added: true);

        Assert.True(a.Cache.LookUp(acme.GrainId, out var own, out _), "the silo's own activation is in its cache at once");
        Assert.Equal(acme, own);
        await Cached(b, acme);

        a.Hints.Announce(acme, added: false);

        Assert.False(a.Cache.LookUp(acme.GrainId, out _, out _));
        await Eventually.Holds(() => Task.FromResult(b.Cache.LookUp(acme.GrainId, out _, out _)), cached => !cached, Generous,
            "the ended activation leaves the other silo's cache");
    }

    [Fact]
    public async Task An_end_heard_late_leaves_the_grains_newer_place_and_a_silo_takes_no_hint_about_itself_or_other_grain_types()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await Silo(redis, 1);
        await using var b = await Silo(redis, 2);
        await using var c = await Silo(redis, 3);
        var onA = Address(Customer, "Globex", a.Address);
        var onC = Address(Customer, "Globex", c.Address);

        // The grain moved from a to c: c's start is heard before a's end.
        a.Hints.Announce(onA, added: true);
        await Cached(b, onA);
        c.Hints.Announce(onC, added: true);
        await Cached(b, onC);
        a.Hints.Announce(onA, added: false);

        // A silo's own hints arrive in the order it sent them: once the marker is cached, everything before it was heard.
        var notHinted = Address(GrainType.Create("tables"), "Globex", a.Address);
        var aboutB = Address(Customer, "Initech", b.Address);
        a.Hints.Announce(notHinted, added: true);
        a.Hints.Announce(aboutB, added: true);
        var marker = Address(Customer, "Marker", a.Address);
        a.Hints.Announce(marker, added: true);
        await Cached(b, marker);

        Assert.True(b.Cache.LookUp(onC.GrainId, out var where, out _));
        Assert.Equal(onC, where);
        Assert.False(b.Cache.LookUp(notHinted.GrainId, out _, out _), "a grain type that is not a record is not hinted");
        Assert.False(b.Cache.LookUp(aboutB.GrainId, out _, out _), "a silo learns its own activations itself, not from a hint");
        Assert.True(c.Cache.LookUp(aboutB.GrainId, out _, out _));
    }

    [Fact]
    public async Task Every_live_record_is_announced_again_before_the_others_entries_for_it_expire()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await Silo(redis, 1, announceAgain: TimeSpan.FromMilliseconds(300));
        await using var b = await Silo(redis, 2);
        var acme = Address(Customer, "Acme", a.Address);
        a.Hints.Announce(acme, added: true);
        await Cached(b, acme);

        // The other silo lost the entry (evicted, or expired): the next round of announcements brings it back.
        b.Cache.Remove(acme.GrainId);
        await Cached(b, acme);

        a.Hints.Announce(acme, added: false);
        await Eventually.Holds(() => Task.FromResult(b.Cache.LookUp(acme.GrainId, out _, out _)), cached => !cached, Generous,
            "the ended activation leaves the other silo's cache");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(b.Cache.LookUp(acme.GrainId, out _, out _), "an ended activation is not announced again");
    }

    [Fact]
    public async Task A_change_of_membership_has_every_silo_announce_its_live_records_again()
    {
        await using var redis = await RedisServer.StartAsync();
        var membership = Channel.CreateUnbounded<MembershipVersion>();
        await using var a = await Silo(redis, 1, membership: membership);
        await using var b = await Silo(redis, 2);
        var acme = Address(Customer, "Acme", a.Address);
        a.Hints.Announce(acme, added: true);
        await Cached(b, acme);

        // Orleans drops the entries of the directory partitions a silo takes over, and does not cache them again when the
        // partitions move on: the next change of membership brings them back, long before the next round (2 min).
        b.Cache.Remove(acme.GrainId);
        await Task.Delay(LocationHints.AfterMembershipChange * 2);
        Assert.False(b.Cache.LookUp(acme.GrainId, out _, out _), "nothing is announced again before the membership changes");
        membership.Writer.TryWrite(new MembershipVersion(2));

        await Eventually.Holds(() => Task.FromResult(b.Cache.LookUp(acme.GrainId, out _, out _)), cached => cached,
            TimeSpan.FromSeconds(20), "the record announced again after the change of membership");
    }

    [Fact]
    public void A_silo_with_Redis_has_the_hints_fill_the_cache_Orleans_reads_unless_they_are_switched_off()
    {
        using (var on = Build("--Storage:Redis=127.0.0.1:1", $"--{LocationHints.Switch}=true"))
        {
            Assert.Equal(GrainDirectoryOptions.CachingStrategyType.Custom, Options(on).CachingStrategy);
            Assert.NotNull(on.Services.GetService<LocationHints>());
            Assert.NotNull(on.Services.GetService<IGrainDirectoryCache>());
        }

        using (var off = Build("--Storage:Redis=127.0.0.1:1", $"--{LocationHints.Switch}=false"))
        {
            Assert.Equal(GrainDirectoryOptions.CachingStrategyType.LRU, Options(off).CachingStrategy);
            Assert.Null(off.Services.GetService<LocationHints>());
        }

        using (var byDefault = Build("--Storage:Redis=127.0.0.1:1"))
        {
            Assert.Equal(GrainDirectoryOptions.CachingStrategyType.Custom, Options(byDefault).CachingStrategy);
            Assert.NotNull(byDefault.Services.GetService<LocationHints>());
        }

        using (var memory = Build($"--{LocationHints.Switch}=true"))
        {
            Assert.Null(memory.Services.GetService<LocationHints>());
        }

        var bad = Assert.ThrowsAny<OptionsValidationException>(() => Build("--Storage:Redis=127.0.0.1:1", $"--{LocationHints.Switch}=maybe"));
        Assert.Contains($"{LocationHints.Switch} must be true or false; it is 'maybe'.", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_host_that_holds_the_hints_under_each_of_their_services_disposes_cleanly()
    {
        var host = Build("--Storage:Redis=127.0.0.1:1", $"--{LocationHints.Switch}=true");
        var hints = host.Services.GetRequiredService<LocationHints>();
        Assert.Contains(hints, host.Services.GetServices<IActivationWorkingSetObserver>());
        Assert.Contains(hints, host.Services.GetServices<IHostedService>());

        // The container disposes the one instance once for each service it was resolved as: a stop must still exit 0.
        await host.DisposeAsync();
    }

    private static GrainDirectoryOptions Options(WebApplication host) => host.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

    private static WebApplication Build(params string[] arguments)
    {
        var builder = WebApplication.CreateBuilder(["--Consul:Address=http://127.0.0.1:1", .. arguments]);
        builder.AddAutopilotHost(HostRole.Silo).AddAutopilotSilo();
        return builder.Build();
    }

    private static Task Cached(TestSilo silo, GrainAddress address) =>
        Eventually.Holds(() => Task.FromResult(silo.Cache.LookUp(address.GrainId, out var found, out _) && found.Equals(address)), cached => cached,
            Generous, $"{address} in the cache of silo {silo.Address}");

    private static GrainAddress Address(GrainType type, string key, SiloAddress silo) => new()
    {
        GrainId = GrainId.Create(type, key),
        SiloAddress = silo,
        ActivationId = ActivationId.NewId(),
    };

    private static async Task<TestSilo> Silo(RedisServer redis, int number, TimeSpan? announceAgain = null, Channel<MembershipVersion>? membership = null)
    {
        membership ??= Channel.CreateUnbounded<MembershipVersion>();
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var cache = GrainDirectoryCacheFactory.CreateGrainDirectoryCache(services, new GrainDirectoryOptions());
        var connection = new RedisConnection(
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { Redis = redis.ConnectionString }),
            Microsoft.Extensions.Options.Options.Create(new StartupOptions()),
            NullLogger<RedisConnection>.Instance);
        var address = SiloAddress.New(IPAddress.Loopback, 11110 + number, number);
        var hints = new LocationHints(cache, connection, services.GetRequiredService<Serializer<GrainAddress[]>>(), address,
            type => type == Customer, "hints-test", announceAgain ?? TimeSpan.FromMinutes(2), () => membership.Reader.ReadAllAsync(),
            NullLogger<LocationHints>.Instance);
        await hints.StartAsync(CancellationToken.None);
        await hints.Listening.WaitAsync(Generous);
        return new TestSilo(address, cache, hints, connection, services);
    }

    private sealed record TestSilo(SiloAddress Address, IGrainDirectoryCache Cache, LocationHints Hints, RedisConnection Connection, ServiceProvider Services)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Hints.DisposeAsync();
            await Connection.DisposeAsync();
            await Services.DisposeAsync();
        }
    }
}
