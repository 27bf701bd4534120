using System.Globalization;
using System.Text.RegularExpressions;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Every metric a host exports keeps at most <see cref="HostingExtensions.MetricSeriesLimit"/> series; what goes beyond is
/// summed in one overflow series, so no measurement is lost (the limit is what keeps an idle host's metrics small).
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed partial class MetricSeriesTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_metric_with_more_tag_sets_than_the_limit_keeps_the_limit_and_sums_the_rest_in_one_overflow_series()
    {
        var name = $"autopilot.test.series{Guid.NewGuid():N}";
        var counter = AutopilotMetrics.Meter.CreateCounter<long>(name);
        using var client = fixture.Factory.CreateClient();
        // The host is built (and its meter provider listening) before the instrument records.
        await client.GetAsync("/health/live");
        const int pastTheLimit = 50;
        var tagSets = HostingExtensions.MetricSeriesLimit + pastTheLimit;
        for (var i = 0; i < tagSets; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("key", i.ToString(CultureInfo.InvariantCulture)));
        }

        var prometheusName = name.Replace('.', '_') + "_total";
        var series = await Eventually.Holds(
            async () => SeriesOf(await client.GetStringAsync("/metrics"), prometheusName),
            lines => lines.Sum(line => line.Value) == tagSets,
            TimeSpan.FromSeconds(30),
            $"/metrics to count all {tagSets} measurements of {prometheusName}");

        Assert.True(series.Count <= HostingExtensions.MetricSeriesLimit + 1, $"{series.Count} series of {prometheusName}; at most {HostingExtensions.MetricSeriesLimit} and the overflow were expected");
        var overflow = Assert.Single(series, line => line.Labels.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
        Assert.True(overflow.Value >= pastTheLimit, $"the overflow series counted {overflow.Value}; the {pastTheLimit} or more tag sets past the limit were expected in it");
    }

    private static List<(string Labels, long Value)> SeriesOf(string exposition, string metric) =>
        [.. exposition.Split('\n')
            .Select(line => Series().Match(line))
            .Where(match => match.Success && match.Groups["name"].Value == metric)
            .Select(match => (match.Groups["labels"].Value, long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\d+)")]
    private static partial Regex Series();
}
