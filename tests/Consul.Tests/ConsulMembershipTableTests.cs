using System.Net;
using System.Text;

namespace Autopilot.Consul.Tests;

/// <summary>The membership table contract, in the spirit of Orleans' own MembershipTableTestsBase, against a real agent.</summary>
[Collection(ConsulCollection.Name)]
public sealed class ConsulMembershipTableTests(ConsulFixture fixture)
{
    private async Task<(ConsulMembershipTableHandle Handle, TableVersion Version)> NewTable()
    {
        var clusterId = Entries.NewClusterId();
        var table = fixture.Table(clusterId);
        await table.InitializeMembershipTable(tryInitTableVersion: true);
        return (new ConsulMembershipTableHandle(table, clusterId), (await table.ReadAll()).Version);
    }

    [Fact]
    public async Task Initialize_creates_version_zero_and_a_second_initialize_keeps_the_table()
    {
        var (handle, version) = await NewTable();
        Assert.Equal(0, version.Version);
        Assert.Empty((await handle.Table.ReadAll()).Members);

        Assert.True(await handle.Table.InsertRow(Entries.New(1), version.Next()));
        await handle.Table.InitializeMembershipTable(tryInitTableVersion: true);

        var data = await handle.Table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task Inserted_row_reads_back_whole_from_ReadAll_and_ReadRow()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(11111, SiloStatus.Active, proxyPort: 30000);
        var suspect = Entries.New(11112).SiloAddress;
        entry.AddOrUpdateSuspector(suspect, DateTime.UtcNow, 10);

        Assert.True(await handle.Table.InsertRow(entry, version.Next()));

        foreach (var data in new[] { await handle.Table.ReadAll(), await handle.Table.ReadRow(entry.SiloAddress) })
        {
            Assert.Equal(1, data.Version.Version);
            var (read, etag) = Assert.Single(data.Members);
            Assert.False(string.IsNullOrEmpty(etag));
            Assert.Equal(entry.SiloAddress, read.SiloAddress);
            Assert.Equal((entry.SiloName, entry.HostName, entry.Status, entry.ProxyPort, entry.RoleName, entry.UpdateZone, entry.FaultZone),
                (read.SiloName, read.HostName, read.Status, read.ProxyPort, read.RoleName, read.UpdateZone, read.FaultZone));
            Assert.Equal(entry.StartTime, read.StartTime);
            var (suspector, _) = Assert.Single(read.SuspectTimes!);
            Assert.Equal(suspect, suspector);
        }
    }

    [Fact]
    public async Task ReadRow_of_an_unknown_silo_is_empty_but_carries_the_version()
    {
        var (handle, version) = await NewTable();
        await handle.Table.InsertRow(Entries.New(1), version.Next());

        var data = await handle.Table.ReadRow(Entries.New(2).SiloAddress);

        Assert.Empty(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task A_duplicate_insert_is_refused()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1);
        Assert.True(await handle.Table.InsertRow(entry, version.Next()));

        var current = (await handle.Table.ReadAll()).Version;
        Assert.False(await handle.Table.InsertRow(entry, current.Next()));

        Assert.Single((await handle.Table.ReadAll()).Members);
    }

    [Fact]
    public async Task An_insert_with_a_stale_table_version_is_refused()
    {
        var (handle, version) = await NewTable();
        Assert.True(await handle.Table.InsertRow(Entries.New(1), version.Next()));

        Assert.False(await handle.Table.InsertRow(Entries.New(2), version.Next()));

        var data = await handle.Table.ReadAll();
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task An_update_with_a_stale_row_etag_is_refused()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1);
        await handle.Table.InsertRow(entry, version.Next());
        var (_, staleEtag) = (await handle.Table.ReadAll()).Members[0];
        entry.Status = SiloStatus.Active;
        var read = await handle.Table.ReadAll();
        Assert.True(await handle.Table.UpdateRow(entry, read.Members[0].Item2, read.Version.Next()));

        entry.Status = SiloStatus.Dead;
        Assert.False(await handle.Table.UpdateRow(entry, staleEtag, (await handle.Table.ReadAll()).Version.Next()));

        Assert.Equal(SiloStatus.Active, (await handle.Table.ReadAll()).Members[0].Item1.Status);
    }

    [Fact]
    public async Task An_update_with_a_wrong_table_version_is_refused()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1);
        await handle.Table.InsertRow(entry, version.Next());
        var read = await handle.Table.ReadAll();

        entry.Status = SiloStatus.Active;
        Assert.False(await handle.Table.UpdateRow(entry, read.Members[0].Item2, version.Next()));

        var after = await handle.Table.ReadAll();
        Assert.Equal(SiloStatus.Joining, after.Members[0].Item1.Status);
        Assert.Equal(1, after.Version.Version);
    }

    [Fact]
    public async Task Of_concurrent_updates_from_one_read_exactly_one_wins()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1);
        await handle.Table.InsertRow(entry, version.Next());
        var read = await handle.Table.ReadAll();
        var etag = read.Members[0].Item2;

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var update = Entries.New(1);
            update.SiloAddress = entry.SiloAddress;
            update.SiloName = $"writer-{i}";
            return handle.Table.UpdateRow(update, etag, read.Version.Next());
        }));

        Assert.Single(results, won => won);
        var after = await handle.Table.ReadAll();
        Assert.Equal(2, after.Version.Version);
        Assert.StartsWith("writer-", after.Members[0].Item1.SiloName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_concurrent_inserts_at_one_version_exactly_one_wins()
    {
        var (handle, version) = await NewTable();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => handle.Table.InsertRow(Entries.New(100 + i), version.Next())));

        Assert.Single(results, won => won);
        var after = await handle.Table.ReadAll();
        Assert.Single(after.Members);
        Assert.Equal(1, after.Version.Version);
    }

    [Fact]
    public async Task IAmAlive_moves_the_time_without_changing_the_row_etag()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1);
        entry.IAmAliveTime = DateTime.UtcNow.AddMinutes(-5);
        await handle.Table.InsertRow(entry, version.Next());
        var before = (await handle.Table.ReadAll()).Members[0];

        var alive = DateTime.UtcNow;
        entry.IAmAliveTime = alive;
        await handle.Table.UpdateIAmAlive(entry);

        var after = (await handle.Table.ReadAll()).Members[0];
        Assert.Equal(before.Item2, after.Item2);
        Assert.Equal(alive, after.Item1.IAmAliveTime);
        Assert.True(after.Item1.IAmAliveTime > before.Item1.IAmAliveTime);
    }

    [Fact]
    public async Task Cleanup_removes_only_rows_of_silos_dead_and_unseen_since_before_the_date_with_their_iamalive_keys()
    {
        var (handle, version) = await NewTable();
        var longDead = Entries.New(1, SiloStatus.Dead);
        var recentlyDead = Entries.New(2, SiloStatus.Dead);
        var oldButActive = Entries.New(3, SiloStatus.Active);
        longDead.StartTime = oldButActive.StartTime = DateTime.UtcNow.AddHours(-3);
        longDead.IAmAliveTime = oldButActive.IAmAliveTime = DateTime.UtcNow.AddHours(-2);
        var recentlySuspected = Entries.New(4, SiloStatus.Dead);
        recentlySuspected.StartTime = recentlySuspected.IAmAliveTime = DateTime.UtcNow.AddHours(-2);
        recentlySuspected.AddOrUpdateSuspector(oldButActive.SiloAddress, DateTime.UtcNow, 10);
        foreach (var entry in new[] { longDead, recentlyDead, oldButActive, recentlySuspected })
        {
            Assert.True(await handle.Table.InsertRow(entry, (await handle.Table.ReadAll()).Version.Next()));
        }

        await handle.Table.UpdateIAmAlive(longDead);

        await handle.Table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddHours(-1));

        var left = (await handle.Table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(new HashSet<SiloAddress> { recentlyDead.SiloAddress, oldButActive.SiloAddress, recentlySuspected.SiloAddress }, left);
        var keys = (await fixture.Client.KvList($"orleans/{handle.ClusterId}/")).Value.Select(k => k.Key).ToList();
        Assert.DoesNotContain(keys, k => k.Contains(longDead.SiloAddress.ToParsableString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_removes_every_key_of_that_cluster_and_no_other()
    {
        var (one, oneVersion) = await NewTable();
        var (other, otherVersion) = await NewTable();
        await one.Table.InsertRow(Entries.New(1), oneVersion.Next());
        await other.Table.InsertRow(Entries.New(1), otherVersion.Next());

        await one.Table.DeleteMembershipTableEntries(one.ClusterId);

        Assert.Empty((await fixture.Client.KvList($"orleans/{one.ClusterId}/")).Value);
        Assert.Single((await other.Table.ReadAll()).Members);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_proxy_endpoints_of_active_silos_only()
    {
        var (handle, _) = await NewTable();
        var active = Entries.New(21001, SiloStatus.Active, proxyPort: 31001);
        var joining = Entries.New(21002, SiloStatus.Joining, proxyPort: 31002);
        var dead = Entries.New(21003, SiloStatus.Dead, proxyPort: 31003);
        var noGateway = Entries.New(21004, SiloStatus.Active, proxyPort: 0);
        foreach (var entry in new[] { active, joining, dead, noGateway })
        {
            Assert.True(await handle.Table.InsertRow(entry, (await handle.Table.ReadAll()).Version.Next()));
        }

        var gateways = await fixture.Gateways(handle.ClusterId).GetGateways();

        var gateway = Assert.Single(gateways);
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, 31001, active.SiloAddress.Generation).ToGatewayUri(), gateway);
    }

    [Fact]
    public async Task While_Consul_is_down_the_gateway_list_is_the_last_one_read()
    {
        await using var agent = await Autopilot.Testing.ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        var clusterId = Entries.NewClusterId();
        var table = new Membership.ConsulMembershipTable(client, Microsoft.Extensions.Options.Options.Create(new Membership.ConsulClusteringOptions()),
            Microsoft.Extensions.Options.Options.Create(new Orleans.Configuration.ClusterOptions { ClusterId = clusterId }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Membership.ConsulMembershipTable>.Instance);
        await table.InitializeMembershipTable(true);
        await table.InsertRow(Entries.New(21001, SiloStatus.Active, proxyPort: 31001), (await table.ReadAll()).Version.Next());
        var provider = fixture.Gateways(clusterId, client);
        var before = await provider.GetGateways();

        await agent.StopAsync();

        Assert.Equal(before, await provider.GetGateways());
        Assert.Single(before);
    }

    [Fact]
    public async Task Rows_are_kept_as_readable_json_under_the_documented_keys()
    {
        var (handle, version) = await NewTable();
        var entry = Entries.New(1, SiloStatus.Active);
        await handle.Table.InsertRow(entry, version.Next());

        var row = await fixture.Client.KvGet($"orleans/{handle.ClusterId}/{entry.SiloAddress.ToParsableString()}");
        var versionKey = await fixture.Client.KvGet($"orleans/{handle.ClusterId}/version");

        Assert.Contains("\"Status\":\"Active\"", Encoding.UTF8.GetString(row!.Value!), StringComparison.Ordinal);
        Assert.Equal("1", Encoding.UTF8.GetString(versionKey!.Value!));
        Assert.Equal(versionKey.ModifyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), (await handle.Table.ReadAll()).Version.VersionEtag);
    }

    internal sealed record ConsulMembershipTableHandle(Membership.ConsulMembershipTable Table, string ClusterId);
}
