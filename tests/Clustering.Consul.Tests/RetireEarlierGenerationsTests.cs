using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>
/// A silo started again on a dead silo's endpoint declares the earlier generation Dead before it listens, and only then
/// (docs/orleans-stale-generation-connection.md): on our table, on a real agent.
/// </summary>
[Collection(ConsulCollection.Name)]
[Trait("Category", "contract")]
public sealed class RetireEarlierGenerationsTests(ConsulFixture fixture)
{
    private static readonly TimeSpan TableRefresh = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_earlier_generation_still_listed_alive_is_declared_dead_before_the_silo_listens_and_running_silos_get_a_table_refresh_to_read_it(bool anotherSiloListens)
    {
        var table = fixture.Table($"retire-{Guid.NewGuid():N}");
        var port = TestPorts.Next();
        var earlier = Row(port, 100, SiloStatus.Active);
        var elsewhere = Row(TestPorts.Next(), 100, SiloStatus.Active);
        await Insert(table, earlier, elsewhere);
        var before = (await table.ReadAllAsync(CancellationToken.None)).Version.Version;
        var other = new TcpListener(elsewhere.SiloAddress.Endpoint);
        if (anotherSiloListens)
        {
            other.Start();
        }

        var step = Step(table, port, generation: 200);
        var watch = Stopwatch.StartNew();
        try
        {
            await step.RunAsync(CancellationToken.None);
        }
        finally
        {
            other.Stop();
        }

        // A silo that listens may have read the table before the declaration: the step waits out its refresh. With none
        // listening (all restarted at once, each reads the table after this), it waits for the clients' gateway lists only.
        var wait = anotherSiloListens ? step.SiloWait : RetireEarlierGenerations.ClientWait;
        Assert.True(watch.Elapsed >= wait, $"answered after {watch.Elapsed}, before every running process read the table ({wait})");
        Assert.Contains(fixture.Logs.Messages, m => m.Contains(earlier.SiloAddress.ToString(), StringComparison.Ordinal)
            && m.Contains($"declared Dead in the membership table before listening; {(anotherSiloListens ? 1 : 0)} other silo(s) listening, waiting {wait.TotalSeconds} s", StringComparison.Ordinal));
        var after = await table.ReadAllAsync(CancellationToken.None);
        var row = Single(after, earlier.SiloAddress);
        Assert.Equal(SiloStatus.Dead, row.Status);
        Assert.Contains(row.SuspectTimes ?? [], s => s.Item1.Equals(SiloAddress.New(IPAddress.Loopback, port, 200)));
        Assert.Equal(SiloStatus.Active, Single(after, elsewhere.SiloAddress).Status);
        Assert.Equal(before + 1, after.Version.Version);
    }

    [Fact]
    public async Task Rows_already_dead_of_a_later_generation_or_of_another_endpoint_are_left_as_they_are()
    {
        var table = fixture.Table($"retire-{Guid.NewGuid():N}");
        var port = TestPorts.Next();
        var dead = Row(port, 100, SiloStatus.Dead);
        var later = Row(port, 300, SiloStatus.Active);
        var elsewhere = Row(TestPorts.Next(), 100, SiloStatus.Active);
        await Insert(table, dead, later, elsewhere);
        var before = await table.ReadAllAsync(CancellationToken.None);

        await Step(table, port, generation: 200).RunAsync(CancellationToken.None);

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(
            before.Members.Select(m => (m.Item1.SiloAddress, m.Item1.Status, m.Item2)).OrderBy(m => m.SiloAddress.ToString()),
            after.Members.Select(m => (m.Item1.SiloAddress, m.Item1.Status, m.Item2)).OrderBy(m => m.SiloAddress.ToString()));
    }

    [Fact]
    public async Task A_process_that_still_listens_on_the_endpoint_keeps_its_row()
    {
        var table = fixture.Table($"retire-{Guid.NewGuid():N}");
        var port = TestPorts.Next();
        var earlier = Row(port, 100, SiloStatus.Active);
        await Insert(table, earlier);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            await Step(table, port, generation: 200).RunAsync(CancellationToken.None);
        }
        finally
        {
            listener.Stop();
        }

        Assert.Equal(SiloStatus.Active, Single(await table.ReadAllAsync(CancellationToken.None), earlier.SiloAddress).Status);
        Assert.Contains(fixture.Logs.Messages, m => m.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) && m.Contains("already answers", StringComparison.Ordinal));
    }

    private RetireEarlierGenerations Step(IMembershipTable table, int port, int generation) => new(
        table,
        new SiloDetails(SiloAddress.New(IPAddress.Loopback, port, generation)),
        Options.Create(new ClusterMembershipOptions { TableRefreshTimeout = TableRefresh }),
        fixture.Services(_ => { }).GetRequiredService<ILogger<RetireEarlierGenerations>>());

    private static MembershipEntry Row(int port, int generation, SiloStatus status)
    {
        var row = Entries.New(status);
        row.SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation);
        return row;
    }

    private static async Task Insert(IMembershipTable table, params MembershipEntry[] rows)
    {
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        foreach (var row in rows)
        {
            Assert.True(await table.InsertRowAsync(row, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }
    }

    private static MembershipEntry Single(MembershipTableData data, SiloAddress silo) => Assert.Single(data.Members, m => m.Item1.SiloAddress.Equals(silo)).Item1;

    private sealed class SiloDetails(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "silo-under-test";

        public string ClusterId => "tests";

        public string DnsHostName => "testhost";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
