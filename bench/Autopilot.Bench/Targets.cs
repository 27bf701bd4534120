namespace Autopilot.Bench;

/// <summary>The targets of issues 6, 11, 12, 13 and 21, judged on this run's figures (medians; a ratio where the target is one).</summary>
internal static class Targets
{
    public static List<Target> Judge(IReadOnlyList<Figure> figures)
    {
        Figure? Named(string name) => figures.SingleOrDefault(f => f.Name == name);
        Figure? Starting(string prefix) => figures.LastOrDefault(f => f.Name.StartsWith(prefix, StringComparison.Ordinal));
        double? Ratio(Figure? over, Figure? under) => over is null || under is null || under.Value == 0 ? null : Math.Round(over.Value / under.Value, 3);
        var largestPage = Starting("page_p99_ms_c32_n")?.Name["page_p99_ms_c32_".Length..];

        var targets = new List<Target>();
        void AtMost(string what, string figure, double? value, double limit) => targets.Add(new(what, figure, value, limit, value is not null && value <= limit));
        void AtLeast(string what, string figure, double? value, double limit) => targets.Add(new(what, figure, value, limit, value is not null && value >= limit));

        AtMost("throughput figures that saw a non-2xx answer", "every *_rps_* figure", figures.Count(f => f.Failed is not null), 0);
        AtLeast("GET /customers at 128 connections, as a share of the static file", "customers_rps_c128", Named("customers_rps_c128")?.Ratio, 0.25);
        AtMost("p99 of the workshop's /customers at 32 connections, 1 silo and 2 gateways (ms)", "customers_p99_ms_c32", Named("customers_p99_ms_c32")?.Value, 20);
        AtMost("p99 of the workshop's /sales at 32 connections, 1 silo and 2 gateways (ms)", "sales_p99_ms_c32", Named("sales_p99_ms_c32")?.Value, 20);
        AtMost("upstream convergence (s)", "upstream_convergence_s", Named("upstream_convergence_s")?.Value, 1);
        AtMost("requests failed during the gateway events", "upstream_events_failed_requests", Named("upstream_events_failed_requests")?.Value, 0);
        AtMost("rebalancing onto a third silo (s)", "rebalance_s", Named("rebalance_s")?.Value, 15);
        AtMost("recovery after SIGKILL of a silo (s)", "kill_recovery_s", Named("kill_recovery_s")?.Value, 10);
        AtMost("an idle silo's resident size (MB)", "idle_silo_rss_mb", Named("idle_silo_rss_mb")?.Value, 128);
        AtMost("a frozen silo's own grains without an answer (s)", "freeze_outage_s", Named("freeze_outage_s")?.Value, 8);
        AtMost("reads elsewhere failed while a silo was frozen", "freeze_failed_reads_elsewhere", Named("freeze_failed_reads_elsewhere")?.Value, 0);
        AtMost("whole-cluster crash to serving after up (s)", "cluster_crash_recovery_s", Named("cluster_crash_recovery_s")?.Value, 30);
        AtMost("answers 500 while Redis was down", "redis_outage_500s", Named("redis_outage_500s")?.Value, 0);
        AtMost("acknowledged writes lost in the faults", "fault_lost_writes", Named("fault_lost_writes")?.Value, 0);
        AtLeast("creates/s over the last tenth of the ingest, as a share of the first tenth", "ingest_last_*_creates_per_s", Starting("ingest_last_")?.Ratio, 0.8);
        AtMost("creates failed in the ingest", "ingest_failed_requests", Named("ingest_failed_requests")?.Value, 0);
        AtMost("p99 of a 100-row page at the most customers, as a multiple of its p99 at 1,000 (32 connections)", $"page_p99_ms_c32_{largestPage} / page_p99_ms_c32_n1000",
            Ratio(Starting("page_p99_ms_c32_n"), Named("page_p99_ms_c32_n1000")), 1.5);
        AtLeast("a 100-row page at 128 connections, at the most customers, as a share of the static file", $"page_rps_c128_{largestPage}", Starting("page_rps_c128_n")?.Ratio, 0.25);
        AtMost("p99 of a 100-row page at 32 connections, at the most customers (ms)", $"page_p99_ms_c32_{largestPage}", Starting("page_p99_ms_c32_n")?.Value, 20);
        AtMost("the silo after idle collection, as a multiple of the idle silo", "collected_silo_rss_mb", Named("collected_silo_rss_mb")?.Ratio, 2);
        // Issue 21: beside the peer (a minimal API over Redis), measured in the same turns.
        foreach (var resource in new[] { "customers", "sales" })
        {
            AtLeast($"Autopilot's GET /{resource} at 128 connections, as a multiple of the peer's", $"{resource}_beside_peer_rps_c128 / peer_{resource}_rps_c128",
                Ratio(Named($"{resource}_beside_peer_rps_c128"), Named($"peer_{resource}_rps_c128")), 1.5);
        }

        AtLeast("GET /customers at 128 connections, as a share of the gateway's ceiling (its /health/live)", "customers_rps_c128_of_gateway",
            Named("customers_rps_c128_of_gateway")?.Ratio, 0.7);
        AtLeast("the workshop's 4-row GET /customers, as a share of one record's GET /customers/{company} (128 connections)", "customers_rps_c128 / customer_get_rps_c128",
            Ratio(Named("customers_rps_c128"), Named("customer_get_rps_c128")), 0.8);
        AtLeast("a 100-row page at the most customers, 128 connections, as a share of the gateway's ceiling", $"page_rps_c128_{largestPage} / gateway_health_rps_c128",
            Ratio(Starting("page_rps_c128_n"), Named("gateway_health_rps_c128")), 0.5);
        AtMost("an idle gateway's resident size (MB)", "gateway_rss_mb", Named("gateway_rss_mb")?.Value, 128);
        AtMost("p99 of GET /customers at 1,000 req/s offered (ms)", "customers_p99_ms_at_1000rps", Named("customers_p99_ms_at_1000rps")?.Value, 5);
        AtMost("p99 of GET /customers at 1,000 req/s offered, as a multiple of the peer's", "customers_p99_ms_at_1000rps / peer_customers_p99_ms_at_1000rps",
            Ratio(Named("customers_p99_ms_at_1000rps"), Named("peer_customers_p99_ms_at_1000rps")), 1);
        return targets;
    }
}
