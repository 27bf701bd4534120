using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Orleans.Messaging;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>Our Consul table passes Orleans' whole membership contract on a real agent, and keeps the Consul layout docs/architecture.md documents.</summary>
[Collection(ConsulCollection.Name)]
[Trait("Category", "contract")]
public sealed class ConsulMembershipTableTests(ConsulFixture fixture) : MembershipTableContract
{
    protected override IMembershipTable CreateTable(string clusterId) => fixture.Table(clusterId);

    protected override IGatewayListProvider CreateGatewayListProvider(string clusterId) => fixture.Gateways(clusterId);

    [Fact]
    public async Task Rows_are_readable_json_under_the_documented_keys_and_the_version_key_is_the_table_etag()
    {
        var entry = Entries.New(SiloStatus.Active);
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var row = await fixture.Client.KvGet($"orleans/{ClusterId}/{entry.SiloAddress.ToParsableString()}");
        var version = await fixture.Client.KvGet($"orleans/{ClusterId}/version");

        Assert.Contains("\"Status\":\"Active\"", Encoding.UTF8.GetString(row!.Value!), StringComparison.Ordinal);
        Assert.Equal("1", Encoding.UTF8.GetString(version!.Value!));
        Assert.Equal(version.ModifyIndex.ToString(CultureInfo.InvariantCulture), (await Table.ReadAllAsync(CancellationToken.None)).Version.VersionEtag);
    }

    [Fact]
    public async Task A_malformed_row_is_skipped_logged_once_and_the_rest_of_the_table_reads()
    {
        var entry = Entries.New(SiloStatus.Active);
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var badKey = $"orleans/{ClusterId}/S127.0.0.1:1:1";
        Assert.True(await fixture.Client.KvPut(badKey, Encoding.UTF8.GetBytes("{not json")));

        var first = await Table.ReadAllAsync(CancellationToken.None);
        var second = await Table.ReadAllAsync(CancellationToken.None);

        Assert.Equal(entry.SiloAddress, Assert.Single(first.Members).Item1.SiloAddress);
        Assert.Single(second.Members);
        Assert.Single(fixture.Logs.Messages, m => m.Contains(badKey, StringComparison.Ordinal) && m.Contains("no readable membership row", StringComparison.Ordinal));
        Assert.Single(await Gateways.GetGatewaysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Initialize_waits_for_a_Consul_that_starts_late()
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        await agent.StopAsync();
        var table = fixture.Table(ClusterId + "-late", client);

        var initializing = table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(initializing.IsCompleted, "initialisation gave up while Consul was down");
        await agent.RestartAsync();
        await initializing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, (await table.ReadAllAsync(CancellationToken.None)).Version.Version);
    }

    [Fact]
    public async Task While_Consul_is_down_reads_serve_the_last_table_read_IAmAlive_is_skipped_writes_fail_and_the_table_says_Consul_does_not_answer()
    {
        await using var agent = await ConsulAgent.StartAsync();
        var table = fixture.Table(ClusterId, fixture.NewClient(agent.Address));
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        var entry = Entries.New(SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var before = await table.ReadAllAsync(CancellationToken.None);
        Assert.True(table.ConsulAnswers);

        await agent.StopAsync();

        var during = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(before.Version.Version, during.Version.Version);
        Assert.False(table.ConsulAnswers);
        Assert.Equal(entry.SiloAddress, Assert.Single(during.Members).Item1.SiloAddress);
        Assert.Single((await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None)).Members);
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = DateTime.UtcNow }, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => table.InsertRowAsync(Entries.New(), during.Version.Next(), CancellationToken.None));
    }

    [Fact]
    public async Task While_Consul_is_down_the_gateway_list_is_the_last_one_read()
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        var table = fixture.Table(ClusterId, client);
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        Assert.True(await table.InsertRowAsync(Entries.New(SiloStatus.Active), (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var provider = fixture.Gateways(ClusterId, client);
        var before = await provider.GetGatewaysAsync(CancellationToken.None);

        await agent.StopAsync();
        await PastConsulReadEvery();

        Assert.Single(before);
        Assert.Equal(before, await provider.GetGatewaysAsync(CancellationToken.None));
        Assert.Contains(fixture.Logs.Messages, m => m.Contains("Cannot read the gateway list from Consul", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_table_that_vanished_after_a_read_leaves_the_gateway_list_as_it_was_and_a_new_cluster_has_none()
    {
        // Orleans closes the connection to every gateway missing from the list: an answer from a Consul that lost (or has
        // not rebuilt) its data must not cut a connected client off its cluster.
        var entry = Entries.New(SiloStatus.Active);
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var before = await Gateways.GetGatewaysAsync(CancellationToken.None);
        Assert.Single(before);

        Assert.True(await fixture.Client.KvDelete($"orleans/{ClusterId}/", recurse: true));
        await PastConsulReadEvery();

        Assert.Equal(before, await Gateways.GetGatewaysAsync(CancellationToken.None));
        Assert.Contains(fixture.Logs.Messages, m => m.Contains("no membership table for this cluster any more", StringComparison.Ordinal));
        Assert.Empty(await fixture.Gateways(ClusterId + "-new").GetGatewaysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_silo_whose_ready_check_says_it_is_cut_off_from_its_peers_leaves_the_gateway_list_unless_every_active_silo_does()
    {
        var ready = Entries.New(SiloStatus.Active);
        var cut = Entries.New(SiloStatus.Active);
        foreach (var entry in new[] { ready, cut })
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        // Ready endpoints as silos answer them: passing, failing because the silo is cut off from its peers, and failing
        // for a reason the clients do not follow; and a port that refuses, as a check that cannot connect sees it.
        await using var answers = await ReadyAnswers.StartAsync();
        var service = $"silo-{ClusterId}";
        await RegisterSilo(service, ready, answers.Passing, "passing");
        await RegisterSilo(service, cut, answers.CutOff, "passing");
        try
        {
            var provider = fixture.Gateways(ClusterId, siloService: service);
            var expected = new[] { Gateway(ready) };
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.SequenceEqual(expected), TimeSpan.FromSeconds(30), "the cut-off silo left out");
            Assert.Contains(fixture.Logs.Messages, m => m.Contains("take no new calls from this client", StringComparison.Ordinal)
                && m.Contains(cut.SiloName, StringComparison.Ordinal) && m.Contains("left out of the gateway list", StringComparison.Ordinal));
            Assert.Equal(2, (await fixture.Gateways(ClusterId).GetGatewaysAsync(CancellationToken.None)).Count); // not asked: the membership alone

            await RegisterSilo(service, ready, answers.CutOff, "passing");
            // Critical with the reason in its output: a check that timed out first on a loaded machine is critical without it.
            await BothCritical(service, cutOff: true, "both checks critical, cut off from their peers");
            await PastConsulReadEvery();
            Assert.Equal(2, (await provider.GetGatewaysAsync(CancellationToken.None)).Count); // every silo kept once all are cut off

            // Through passing again, as silos that heal do.
            await RegisterSilo(service, ready, answers.Passing, "passing");
            await RegisterSilo(service, cut, answers.Passing, "passing");
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 2, TimeSpan.FromSeconds(30), "both back once they pass");
            await Eventually.Holds(() => fixture.Client.HealthService(service, passingOnly: true), h => h.Value.Count == 2, TimeSpan.FromSeconds(30), "both checks passing");
            await RegisterSilo(service, ready, answers.OtherFailure, "passing");
            await RegisterSilo(service, cut, "http://127.0.0.1:1/", "passing");
            await BothCritical(service, cutOff: false, "both checks critical for other reasons");
            await PastConsulReadEvery();
            Assert.Equal(2, (await provider.GetGatewaysAsync(CancellationToken.None)).Count); // no other reason steers the clients
        }
        finally
        {
            await fixture.Client.ServiceDeregister(SiloId(ready));
            await fixture.Client.ServiceDeregister(SiloId(cut));
        }
    }

    [Fact]
    public async Task A_gateway_the_list_held_and_then_leaves_out_or_that_is_declared_dead_is_reported_lost_once_and_a_silo_that_stops_is_not_even_seen_only_dead()
    {
        var ready = Entries.New(SiloStatus.Active);
        var cut = Entries.New(SiloStatus.Active);
        var stopping = Entries.New(SiloStatus.Active);
        var quick = Entries.New(SiloStatus.Active);
        foreach (var entry in new[] { ready, cut, stopping, quick })
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        await using var answers = await ReadyAnswers.StartAsync();
        var service = $"silo-{ClusterId}";
        foreach (var entry in new[] { ready, cut, stopping, quick })
        {
            await RegisterSilo(service, entry, answers.Passing, "passing");
        }

        try
        {
            var loss = new GatewayLoss(TimeProvider.System);
            var provider = fixture.Gateways(ClusterId, siloService: service, loss: loss);
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 4, TimeSpan.FromSeconds(30), "all four in the list");
            var before = loss.Token;

            // A silo that stops leaves the membership's active silos: it drains its calls, so nothing is lost.
            var row = (await Table.ReadAllAsync(CancellationToken.None)).Members.Single(m => m.Item1.SiloAddress.Equals(stopping.SiloAddress));
            row.Item1.Status = SiloStatus.ShuttingDown;
            Assert.True(await Table.UpdateRowAsync(row.Item1, row.Item2, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 3, TimeSpan.FromSeconds(30), "the stopping silo out");
            await Task.Delay(GatewayLoss.ListApplied * 3);
            Assert.Equal(0, loss.Count);
            Assert.False(before.IsCancellationRequested);

            // Nor one whose whole stop fell between two reads: seen only dead, it wrote its death itself, as Orleans' stop does.
            var quickRow = (await Table.ReadAllAsync(CancellationToken.None)).Members.Single(m => m.Item1.SiloAddress.Equals(quick.SiloAddress));
            quickRow.Item1.Status = SiloStatus.Dead;
            quickRow.Item1.AddSuspector(quick.SiloAddress, DateTime.UtcNow);
            Assert.True(ConsulGatewayListProvider.StoppedByItself(quickRow.Item1));
            Assert.True(await Table.UpdateRowAsync(quickRow.Item1, quickRow.Item2, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 2, TimeSpan.FromSeconds(30), "the silo that stopped quickly out");
            await Task.Delay(GatewayLoss.ListApplied * 3);
            Assert.Equal(0, loss.Count);
            Assert.False(before.IsCancellationRequested);

            // A silo the list held, left out because it is cut off from its peers: the calls sent through it are told, once.
            await RegisterSilo(service, cut, answers.CutOff, "passing");
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.SequenceEqual([Gateway(ready)]), TimeSpan.FromSeconds(30), "the cut-off silo left out");
            await Eventually.Holds(() => Task.FromResult(before.IsCancellationRequested), told => told, TimeSpan.FromSeconds(30), "the calls sent before told");
            Assert.False(loss.Token.IsCancellationRequested); // calls sent from now on hold a new token
            await provider.GetGatewaysAsync(CancellationToken.None);
            await Task.Delay(GatewayLoss.ListApplied * 3);
            Assert.Equal(1, loss.Count); // still out: not lost again
            Assert.True(loss.OutSince(0), "the cut-off silo's gateway is out: a write sent through it before is given up");

            // A silo the list held, declared dead (whatever its check says): lost too.
            await RegisterSilo(service, cut, answers.Passing, "passing");
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 2, TimeSpan.FromSeconds(30), "the healed silo back");
            Assert.False(loss.OutSince(0), "the healed silo's gateway is listed again: the writes sent through it wait for their answers");
            var dead = (await Table.ReadAllAsync(CancellationToken.None)).Members.Single(m => m.Item1.SiloAddress.Equals(cut.SiloAddress));
            dead.Item1.Status = SiloStatus.Dead;
            dead.Item1.AddSuspector(ready.SiloAddress, DateTime.UtcNow);
            Assert.False(ConsulGatewayListProvider.StoppedByItself(dead.Item1));
            Assert.True(await Table.UpdateRowAsync(dead.Item1, dead.Item2, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.SequenceEqual([Gateway(ready)]), TimeSpan.FromSeconds(30), "the dead silo out");
            await Eventually.Holds(() => Task.FromResult(loss.Count), n => n == 2, TimeSpan.FromSeconds(30), "the dead silo's calls told");
            Assert.True(loss.OutSince(1), "the dead silo's gateway is out");
        }
        finally
        {
            foreach (var entry in new[] { ready, cut, stopping, quick })
            {
                await fixture.Client.ServiceDeregister(SiloId(entry));
            }
        }
    }

    [Fact]
    public async Task A_silo_silent_to_the_clients_own_probes_is_masked_for_new_calls_until_it_answers_unless_every_active_silo_is_silent_and_one_not_heard_yet_is_not()
    {
        var answering = Entries.New(SiloStatus.Active);
        var frozen = Entries.New(SiloStatus.Active);
        foreach (var entry in new[] { answering, frozen })
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        // Both checks pass in Consul all along: only this client's probes of each silo's registered HTTP URL tell them apart.
        await using var answers = await ReadyAnswers.StartAsync();
        var service = $"silo-{ClusterId}";
        await RegisterSilo(service, answering, answers.Passing, "passing", health: answers.Live);
        await RegisterSilo(service, frozen, answers.Passing, "passing", health: answers.Frozen);
        await using var probes = fixture.Probes();
        var masked = new System.Collections.Concurrent.ConcurrentQueue<SiloAddress>();
        var loss = new GatewayLoss(TimeProvider.System);
        try
        {
            var provider = fixture.Gateways(ClusterId, siloService: service, probes: probes, loss: loss, mask: new GatewayMask(masked.Enqueue));
            // The frozen silo has not answered yet: not silent, so kept (a new silo's HTTP endpoint comes up after it joins).
            // The other one is kept as long as it answers, which a loaded machine may delay past SilentAfter now and then.
            var notYet = DateTime.UtcNow + GatewayProbes.SilentAfter * 3;
            while (DateTime.UtcNow < notYet)
            {
                Assert.Contains(Gateway(frozen), await provider.GetGatewaysAsync(CancellationToken.None));
                Assert.False(probes.HasAnswered(GatewayProbes.Key(frozen.SiloAddress)));
                await Task.Delay(100);
            }

            await Eventually.Holds(() => provider.GetGatewaysAsync(CancellationToken.None), g => g.Count == 2, TimeSpan.FromSeconds(30), "both kept");

            // Once it answered, it is left out when it freezes.
            answers.Thaw();
            await Eventually.Holds(
                async () =>
                {
                    await provider.GetGatewaysAsync(CancellationToken.None);
                    return probes.HasAnswered(GatewayProbes.Key(frozen.SiloAddress));
                },
                a => a,
                TimeSpan.FromSeconds(30),
                "the second silo answered");
            Assert.Empty(masked);
            answers.Freeze();
            // Masked for new calls (Orleans' client keeps its connection open for the answers of the calls in flight), and
            // still in the list: left out, the connection would close.
            var frozenGateway = SiloAddress.New(frozen.SiloAddress.Endpoint.Address, frozen.ProxyPort, 0);
            await Eventually.Holds(
                async () =>
                {
                    await provider.GetGatewaysAsync(CancellationToken.None);
                    return masked.Contains(frozenGateway) && loss.OutSince(0);
                },
                m => m,
                TimeSpan.FromSeconds(30),
                "the silent silo masked, and the calls through it told");
            var list = await provider.GetGatewaysAsync(CancellationToken.None);
            Assert.True(list.Count == 2 && list.Contains(Gateway(frozen)), $"the masked silo left the list: {string.Join(", ", list)}");
            Assert.DoesNotContain(SiloAddress.New(answering.SiloAddress.Endpoint.Address, answering.ProxyPort, 0), masked);
            Assert.Contains(fixture.Logs.Messages, m => m.Contains("take no new calls from this client", StringComparison.Ordinal)
                && m.Contains(frozen.SiloName, StringComparison.Ordinal) && m.Contains("silent to this client", StringComparison.Ordinal)
                && m.Contains("masked, its connection kept", StringComparison.Ordinal));
            Assert.Equal(2, (await fixture.Gateways(ClusterId).GetGatewaysAsync(CancellationToken.None)).Count); // not asked: the membership alone

            answers.Thaw();
            await Eventually.Holds(
                async () =>
                {
                    await provider.GetGatewaysAsync(CancellationToken.None);
                    return loss.OutSince(0);
                },
                o => !o,
                TimeSpan.FromSeconds(30),
                "serving again once it answers");

            // Each read of the list follows the URLs the catalog holds now: the first silo's is the freezable one from here.
            await RegisterSilo(service, answering, answers.Passing, "passing", health: answers.Frozen);
            await PastConsulReadEvery();
            await Eventually.Holds(
                async () =>
                {
                    await provider.GetGatewaysAsync(CancellationToken.None);
                    return probes.HasAnswered(GatewayProbes.Key(answering.SiloAddress)) && probes.HasAnswered(GatewayProbes.Key(frozen.SiloAddress));
                },
                a => a,
                TimeSpan.FromSeconds(30),
                "both answered at the freezable URL");
            answers.Freeze();
            await Eventually.Holds(
                async () =>
                {
                    await provider.GetGatewaysAsync(CancellationToken.None);
                    return probes.IsSilent(GatewayProbes.Key(answering.SiloAddress)) && probes.IsSilent(GatewayProbes.Key(frozen.SiloAddress));
                },
                s => s,
                TimeSpan.FromSeconds(30),
                "both silent");
            Assert.Equal(2, (await provider.GetGatewaysAsync(CancellationToken.None)).Count); // every silo kept once all are silent
            // ... and none masked: a client with no gateway has nowhere to go.
            var maskedBefore = masked.Count;
            for (var i = 0; i < 3; i++)
            {
                await provider.GetGatewaysAsync(CancellationToken.None);
            }

            Assert.Equal(maskedBefore, masked.Count);
        }
        finally
        {
            answers.Thaw();
            await fixture.Client.ServiceDeregister(SiloId(answering));
            await fixture.Client.ServiceDeregister(SiloId(frozen));
        }
    }

    // Waits until both silos' own checks are critical, with the cut-off reason in their output or without it.
    private Task BothCritical(string service, bool cutOff, string what) => Eventually.Holds(
        () => fixture.Client.HealthService(service, passingOnly: false),
        h => h.Value.Count == 2 && h.Value.All(i => i.Checks.Any(c =>
            c.ServiceID == i.Service.ID && c.Status == "critical" && c.Output.Contains(ReadyAnswer.CutOffFromPeers, StringComparison.Ordinal) == cutOff)),
        TimeSpan.FromSeconds(30),
        what,
        () => string.Join("; ", fixture.Client.HealthService(service, passingOnly: false).GetAwaiter().GetResult().Value
            .SelectMany(i => i.Checks.Select(c => $"{i.Service.ID} {c.CheckID} {c.Status}: {c.Output}"))));

    // Waits until the next read of a gateway list reads Consul again: a little past ConsulReadEvery, since a timer may fire
    // a millisecond before the stopwatch the list measures with says the period is over.
    private static Task PastConsulReadEvery() => Task.Delay(ConsulGatewayListProvider.ConsulReadEvery + TimeSpan.FromMilliseconds(100));

    private static Uri Gateway(MembershipEntry entry) =>
        SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri();

    private static string SiloId(MembershipEntry entry) => $"silo-test-{entry.SiloAddress.Endpoint.Port}";

    // The silo's registration as SiloRegistration makes it: at its silo endpoint, with one HTTP check in the given state;
    // but with a generous timeout, as the answers here are local and at once, and a check that times out on a loaded
    // machine is critical without the silo's reason.
    // With health, the silo's HTTP base URL in its metadata, as every silo registers it (HostRole.HealthMeta).
    private Task RegisterSilo(string service, MembershipEntry entry, string checkUrl, string status, string? health = null) => fixture.Client.ServiceRegister(new AgentServiceRegistration
    {
        ID = SiloId(entry),
        Name = service,
        Address = entry.SiloAddress.Endpoint.Address.ToString(),
        Port = entry.SiloAddress.Endpoint.Port,
        Check = new AgentServiceCheck { HTTP = checkUrl, Interval = "1s", Timeout = "5s", Status = status },
        Meta = health is null ? null : new Dictionary<string, string> { [HostRole.HealthMeta] = health },
    });

    // /passing answers 200; /cut-off and /other-failure 503 with the body a silo's ready endpoint writes (ReadyAnswer).
    // Under /live/ and /frozen/, a silo's /health/live: the one answers at once, the other waits while frozen (from the start).
    private sealed class ReadyAnswers(WebApplication app, StrongBox<bool> frozen) : IAsyncDisposable
    {
        private Uri Base => new(app.Urls.First() + "/");

        public string Live => new Uri(Base, "live/").ToString();

        public string Frozen => new Uri(Base, "frozen/").ToString();

        public void Freeze() => Volatile.Write(ref frozen.Value, true);

        public void Thaw() => Volatile.Write(ref frozen.Value, false);

        public string Passing => new Uri(Base, "passing").ToString();

        public string CutOff => new Uri(Base, "cut-off").ToString();

        public string OtherFailure => new Uri(Base, "other-failure").ToString();

        public static async Task<ReadyAnswers> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.WarningsOnlyOnConsole();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/passing", () => "Healthy");
            app.MapGet("/cut-off", () => Results.Text($"Unhealthy: silo: {ReadyAnswer.CutOffFromPeers}: none of the 2 other active silo(s) answers", statusCode: 503));
            app.MapGet("/other-failure", () => Results.Text("Unhealthy: silo: silo is Joining", statusCode: 503));
            app.MapGet("/live/health/live", () => "Healthy");
            var frozen = new StrongBox<bool>(true);
            app.MapGet("/frozen/health/live", async (HttpContext context) =>
            {
                while (Volatile.Read(ref frozen.Value) && !context.RequestAborted.IsCancellationRequested)
                {
                    await Task.Delay(20, CancellationToken.None);
                }

                return "Healthy";
            });
            await app.StartAsync();
            return new ReadyAnswers(app, frozen);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
