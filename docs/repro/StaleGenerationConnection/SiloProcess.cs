using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace StaleGenerationConnection;

/// <summary>
/// One silo: <c>silo NAME PORT CLUSTER REDIS SLOW_START_MS RETIRE_FIRST</c>. Prints lines that start with '@' for the
/// driver and Orleans' logs (connections at Debug), and takes commands on standard input.
/// </summary>
public static class SiloProcess
{
    /// <summary>Orleans' response timeouts, for grain and system calls alike: a lost call waits this long.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(12);

    /// <summary>How often each silo reads the membership table (Orleans' default is a minute).</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var (name, port, cluster, redis) = (args[0], int.Parse(args[1]), args[2], args[3]);
        var slowStart = TimeSpan.FromMilliseconds(int.Parse(args[4]));
        var retireFirst = bool.Parse(args[5]);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging.ConnectionManager", LogLevel.Debug);
        builder.Logging.AddFilter("Orleans.Runtime.MembershipService.MembershipTableManager", LogLevel.Information);
        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(redis);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, "stale-generation-repro"));
            silo.ConfigureEndpoints(IPAddress.Loopback, port, gatewayPort: 0);
            silo.Configure<ClusterMembershipOptions>(o => o.TableRefreshTimeout = TableRefresh);
            silo.Configure<SiloMessagingOptions>(o => (o.ResponseTimeout, o.SystemResponseTimeout) = (CallTimeout, CallTimeout));
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new StartupSteps(sp, slowStart, retireFirst));
        });

        using var host = builder.Build();
        await host.StartAsync();
        Say($"ready {host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress} ({name})");

        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var running = new ConcurrentBag<Task>();
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            running.Add(words switch
            {
                ["activate", var key] => Activate(grains, key),
                ["call", var key] => Call(grains, key),
                ["stream", var key, var seconds, var sleep, var bytes, var callers] =>
                    Stream(grains, key, TimeSpan.FromSeconds(int.Parse(seconds)), int.Parse(sleep), int.Parse(bytes), int.Parse(callers)),
                _ => Task.Run(() => Say($"unknown command: {line}")),
            });
        }

        await Task.WhenAll(running);
        return 0;
    }

    public static void Say(string line) => Console.Out.WriteLine($"@{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    private static async Task Activate(IGrainFactory grains, string key) =>
        Say($"activated {key} on {await grains.GetGrain<IProbeGrain>(key).Where()}");

    private static async Task Call(IGrainFactory grains, string key)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            Say($"call {key} answered by {await grains.GetGrain<IProbeGrain>(key).Where()} after {watch.ElapsedMilliseconds} ms");
        }
        catch (Exception e)
        {
            Say($"call {key} failed after {watch.ElapsedMilliseconds} ms: {e.GetType().Name}");
        }
    }

    // Callers that each send one call after the other, so that calls are always in flight to the grain's silo.
    private static async Task Stream(IGrainFactory grains, string key, TimeSpan duration, int sleep, int bytes, int callers)
    {
        var probe = grains.GetGrain<IProbeGrain>(key);
        var until = DateTime.UtcNow + duration;
        var (calls, failed, slowest) = (0, 0, 0L);
        var failures = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (DateTime.UtcNow < until)
            {
                var sent = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                try
                {
                    await probe.Sleep(sleep, bytes);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    failures.Enqueue($"sent {sent:HH:mm:ss.fff}, failed after {watch.ElapsedMilliseconds} ms: {e.GetType().Name}");
                }

                Interlocked.Increment(ref calls);
                InterlockedMax(ref slowest, watch.ElapsedMilliseconds);
            }
        }));

        foreach (var failure in failures)
        {
            Say($"stream {key} failure: {failure}");
        }

        Say($"stream {key}: {calls} calls, {failed} failed, slowest {slowest} ms");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
