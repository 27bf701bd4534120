using Orleans.Messaging;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>
/// Orleans' membership-table contract, as every official provider passes it (Orleans' MembershipTableTestsBase), plus the
/// races and look-alike cluster ids a provider keyed by prefix must get right. A provider's tests derive from this and say
/// how to make a table and a gateway list for a cluster id; every test gets a cluster of its own.
/// </summary>
public abstract class MembershipTableContract : IAsyncLifetime
{
    protected string ClusterId { get; } = $"contract-{Guid.NewGuid():N}";

    protected IMembershipTable Table { get; private set; } = null!;

    protected IGatewayListProvider Gateways { get; private set; } = null!;

    protected abstract IMembershipTable CreateTable(string clusterId);

    protected abstract IGatewayListProvider CreateGatewayListProvider(string clusterId);

    public virtual async Task InitializeAsync()
    {
        Table = CreateTable(ClusterId);
        await Table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        Gateways = CreateGatewayListProvider(ClusterId);
        await Gateways.InitializeGatewayListProviderAsync(CancellationToken.None);
    }

    public virtual async Task DisposeAsync() => await Table.DeleteMembershipTableEntriesAsync(ClusterId, CancellationToken.None);

    [Fact]
    public async Task An_empty_table_reads_as_version_0_with_an_etag()
    {
        var data = await Table.ReadAllAsync(CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    [Fact]
    public async Task Insert_adds_the_row_and_bumps_the_version()
    {
        var data = await Table.ReadAllAsync(CancellationToken.None);

        Assert.True(await Table.InsertRowAsync(Entries.New(), data.Version.Next(), CancellationToken.None));

        var after = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Single(after.Members);
        Assert.Equal(1, after.Version.Version);
    }

    [Fact]
    public async Task ReadRow_after_insert_refuses_a_duplicate_and_a_stale_version()
    {
        var version = (await Table.ReadAllAsync(CancellationToken.None)).Version.Next();
        var entry = Entries.New();
        entry.AddOrUpdateSuspector(Entries.New().SiloAddress, Entries.WholeSeconds(DateTime.UtcNow), 10);
        Assert.True(await Table.InsertRowAsync(entry, version, CancellationToken.None));

        Assert.False(await Table.InsertRowAsync(entry, version, CancellationToken.None), "same entry, old table version");
        Assert.False(await Table.InsertRowAsync(Entries.New(), version, CancellationToken.None), "new entry, old table version");
        var data = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(1, data.Version.Version);
        Assert.False(await Table.InsertRowAsync(entry, data.Version.Next(), CancellationToken.None), "duplicate entry, current table version");

        var row = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        Assert.Equal(version.Version, row.Version.Version);
        Assert.NotEqual(version.VersionEtag, row.Version.VersionEtag);
        var (read, etag) = Assert.Single(row.Members);
        Assert.NotNull(etag);
        Assert.Equal(entry.ToFullString(), read.ToFullString());
        Assert.Single((await Table.ReadAllAsync(CancellationToken.None)).Members);
    }

    [Fact]
    public async Task ReadRow_of_an_unknown_silo_is_empty_but_carries_the_version()
    {
        Assert.True(await Table.InsertRowAsync(Entries.New(), (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var data = await Table.ReadRowAsync(Entries.New().SiloAddress, CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task ReadAll_after_insert_returns_the_row_with_an_etag_and_the_new_version()
    {
        var version = (await Table.ReadAllAsync(CancellationToken.None)).Version.Next();
        var entry = Entries.New(SiloStatus.Active);
        Assert.True(await Table.InsertRowAsync(entry, version, CancellationToken.None));

        var data = await Table.ReadAllAsync(CancellationToken.None);

        Assert.Equal(version.Version, data.Version.Version);
        Assert.NotEqual(version.VersionEtag, data.Version.VersionEtag);
        var (read, etag) = Assert.Single(data.Members);
        Assert.NotNull(etag);
        Assert.Equal(entry.ToFullString(), read.ToFullString());
    }

    [Fact]
    public async Task Update_needs_the_current_row_etag_and_the_next_table_version()
    {
        var data = await Table.ReadAllAsync(CancellationToken.None);
        for (var i = 1; i < 10; i++)
        {
            var entry = Entries.New();
            entry.SuspectTimes = [Tuple.Create(Entries.New().SiloAddress, Entries.WholeSeconds(DateTime.UtcNow).AddSeconds(1))];
            var inserted = data.Version.Next();
            Assert.True(await Table.InsertRowAsync(entry, inserted, CancellationToken.None));
            data = await Table.ReadAllAsync(CancellationToken.None);
            var etagBefore = data.TryGet(entry.SiloAddress)!.Item2;

            Assert.False(await Table.UpdateRowAsync(entry, etagBefore, inserted, CancellationToken.None), "stale table version");

            var next = data.Version.Next();
            entry.Status = SiloStatus.Active;
            Assert.True(await Table.UpdateRowAsync(entry, etagBefore, next, CancellationToken.None));
            Assert.False(await Table.UpdateRowAsync(entry, etagBefore, next, CancellationToken.None), "stale row etag and table version");
            data = await Table.ReadAllAsync(CancellationToken.None);
            var etagAfter = data.TryGet(entry.SiloAddress)!.Item2;
            Assert.False(await Table.UpdateRowAsync(entry, etagBefore, data.Version.Next(), CancellationToken.None), "stale row etag");
            Assert.False(await Table.UpdateRowAsync(entry, etagAfter, next, CancellationToken.None), "current row etag, stale table version");

            data = await Table.ReadAllAsync(CancellationToken.None);
            Assert.Equal(entry.ToFullString(), data.TryGet(entry.SiloAddress)!.Item1.ToFullString());
            Assert.Equal(etagAfter, data.TryGet(entry.SiloAddress)!.Item2);
            Assert.Equal(next.Version, data.Version.Version);
            Assert.Equal(i, data.Members.Count);
        }
    }

    [Fact]
    public async Task Of_20_concurrent_inserts_of_one_entry_one_wins_and_19_CAS_update_loops_end_at_version_20()
    {
        var entry = Entries.New();
        var version = (await Table.ReadAllAsync(CancellationToken.None)).Version.Next();

        var inserts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return await Table.InsertRowAsync(entry, version, CancellationToken.None);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                return false;
            }
        }));
        Assert.Single(inserts, won => won);

        await Task.WhenAll(Enumerable.Range(0, 19).Select(async _ =>
        {
            var done = false;
            while (!done)
            {
                var data = await Table.ReadAllAsync(CancellationToken.None);
                var row = data.TryGet(entry.SiloAddress);
                Assert.NotNull(row);
                done = await Table.UpdateRowAsync(row.Item1, row.Item2, data.Version.Next(), CancellationToken.None);
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));

        var after = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(20, after.Version.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task Of_concurrent_updates_of_different_rows_at_one_version_exactly_one_wins()
    {
        var rows = new List<MembershipEntry>();
        for (var i = 0; i < 6; i++)
        {
            var entry = Entries.New();
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
            rows.Add(entry);
        }

        var data = await Table.ReadAllAsync(CancellationToken.None);
        var results = await Task.WhenAll(rows.Select(entry =>
        {
            entry.Status = SiloStatus.Active;
            return Table.UpdateRowAsync(entry, data.TryGet(entry.SiloAddress)!.Item2, data.Version.Next(), CancellationToken.None);
        }));

        Assert.Single(results, won => won);
        var after = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(data.Version.Version + 1, after.Version.Version);
        Assert.Single(after.Members, m => m.Item1.Status == SiloStatus.Active);
    }

    [Fact]
    public async Task Of_an_insert_racing_an_update_at_one_version_exactly_one_wins()
    {
        var existing = Entries.New();
        Assert.True(await Table.InsertRowAsync(existing, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var data = await Table.ReadAllAsync(CancellationToken.None);
        existing.Status = SiloStatus.Active;
        var newcomer = Entries.New();

        var results = await Task.WhenAll(
            Table.UpdateRowAsync(existing, data.TryGet(existing.SiloAddress)!.Item2, data.Version.Next(), CancellationToken.None),
            Table.InsertRowAsync(newcomer, data.Version.Next(), CancellationToken.None));

        Assert.Single(results, won => won);
        var after = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(data.Version.Version + 1, after.Version.Version);
        Assert.Equal(results[1] ? 2 : 1, after.Members.Count);
    }

    [Fact]
    public async Task IAmAlive_moves_the_time_and_leaves_the_table_version_and_row_etag_alone()
    {
        var entry = Entries.New();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var before = await Table.ReadAllAsync(CancellationToken.None);
        var alive = DateTime.UtcNow.AddSeconds(5);

        // As the membership oracle calls it: the address and the time, nothing else.
        await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, CancellationToken.None);

        var after = await Table.ReadAllAsync(CancellationToken.None);
        var row = after.TryGet(entry.SiloAddress)!;
        Assert.True((alive - row.Item1.IAmAliveTime).Duration() < TimeSpan.FromSeconds(2), $"IAmAlive read back as {row.Item1.IAmAliveTime:O}");
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(before.Version.VersionEtag, after.Version.VersionEtag);
        Assert.Equal(before.TryGet(entry.SiloAddress)!.Item2, row.Item2);
    }

    public static TheoryData<SiloStatus> EveryStatus() => [.. Enum.GetValues<SiloStatus>()];

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task Cleanup_removes_an_old_row_unless_it_is_Active_and_keeps_recent_rows(SiloStatus status)
    {
        var old = Entries.New(status);
        old.StartTime = old.StartTime.AddDays(-10);
        old.IAmAliveTime = old.IAmAliveTime.AddDays(-10);
        var recent = Entries.New(status);
        foreach (var entry in new[] { old, recent })
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        await Table.CleanupDefunctSiloEntriesAsync(old.IAmAliveTime.AddDays(3), CancellationToken.None);

        var left = (await Table.ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Contains(recent.SiloAddress, left);
        Assert.Equal(status == SiloStatus.Active, left.Contains(old.SiloAddress));
    }

    [Fact]
    public async Task Cleanup_judges_a_row_by_its_latest_IAmAlive()
    {
        var entry = Entries.New(SiloStatus.Dead);
        entry.StartTime = entry.StartTime.AddDays(-10);
        entry.IAmAliveTime = entry.IAmAliveTime.AddDays(-10);
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = DateTime.UtcNow }, CancellationToken.None);

        await Table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);

        Assert.Single((await Table.ReadAllAsync(CancellationToken.None)).Members);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_proxy_endpoints_of_active_silos_with_a_gateway_only()
    {
        var entries = Enumerable.Range(0, 10).Select(_ => Entries.New()).ToArray();
        entries[3].Status = SiloStatus.Active;
        entries[3].ProxyPort = 0;
        entries[5].Status = SiloStatus.Active;
        entries[9].Status = SiloStatus.Active;
        entries[7].Status = SiloStatus.Dead;
        foreach (var entry in entries)
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        var gateways = (await Gateways.GetGatewaysAsync(CancellationToken.None)).Select(g => g.ToString()).Order().ToList();

        Assert.Equal(
            new[] { entries[5], entries[9] }.Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri().ToString()).Order(),
            gateways);
    }

    [Fact]
    public async Task Delete_removes_its_own_cluster_and_no_look_alike()
    {
        var lookAlikes = new[] { ClusterId + "0", ClusterId + "-x" };
        var others = lookAlikes.Select(CreateTable).ToList();
        try
        {
            foreach (var table in others)
            {
                await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
                Assert.True(await table.InsertRowAsync(Entries.New(), (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
            }

            Assert.True(await Table.InsertRowAsync(Entries.New(), (await Table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

            await Table.DeleteMembershipTableEntriesAsync(ClusterId, CancellationToken.None);

            await Table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
            Assert.Empty((await Table.ReadAllAsync(CancellationToken.None)).Members);
            foreach (var table in others)
            {
                Assert.Single((await table.ReadAllAsync(CancellationToken.None)).Members);
            }
        }
        finally
        {
            for (var i = 0; i < others.Count; i++)
            {
                await others[i].DeleteMembershipTableEntriesAsync(lookAlikes[i], CancellationToken.None);
            }
        }
    }
}
