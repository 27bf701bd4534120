using System.Globalization;

namespace Autopilot.Bench;

/// <summary>
/// The targets of issues 6, 11, 12, 13 and 21, judged on this run's figures (medians; a ratio where the target is one), each
/// with what limits it in the same run's figures where they were measured: CPU per answer for throughput (the cores are
/// what a saturated run is short of), the parts of a resident size for memory, the hops for the tail.
/// </summary>
internal static class Targets
{
    public static List<Target> Judge(IReadOnlyList<Figure> figures)
    {
        Figure? Named(string name) => figures.SingleOrDefault(f => f.Name == name);
        Figure? Starting(string prefix) => figures.LastOrDefault(f => f.Name.StartsWith(prefix, StringComparison.Ordinal));
        double? Ratio(Figure? over, Figure? under) => over is null || under is null || under.Value == 0 ? null : Math.Round(over.Value / under.Value, 3);
        var largestPage = Starting("page_p99_ms_c32_n")?.Name["page_p99_ms_c32_".Length..];

        var targets = new List<Target>();
        void AtMost(string what, string figure, double? value, double limit, string? limitedBy = null) =>
            targets.Add(new(what, figure, value, limit, value is not null && value <= limit, limitedBy));
        void AtLeast(string what, string figure, double? value, double limit, string? limitedBy = null) =>
            targets.Add(new(what, figure, value, limit, value is not null && value >= limit, limitedBy));

        // What limits a target, in this run's own figures (null when one of them was not measured). "x ms (figure)".
        string? V(string? name) => name is not null && Named(name) is { } f ? $"{f.Value.ToString("0.###", CultureInfo.InvariantCulture)} {f.Unit} ({name})" : null;
        string? All(FormattableString text) => text.GetArguments().Any(a => a is null) ? null : FormattableString.Invariant(text);
        double? Value(string? name) => name is null ? null : Named(name)?.Value;
        string? Cpu(string over, string overLabel, string under, string underLabel) => All(
            $"CPU per answer, every process that serves it: {overLabel} {V($"{over}_cpu_ms_c128")} against {underLabel} {V($"{under}_cpu_ms_c128")}, with the cores {V($"{over}_busy_pct_c128")} busy");
        var pageCpu = largestPage is null ? null : $"page_cpu_ms_c128_{largestPage}";
        // The dashboard's lines, where measured: what it holds at start (the cost scenario), and once its page is opened.
        string? Memory(string prefix, params (string Label, string Figure)[] dashboard) => All(
            $"anonymous {V($"{prefix}_private_mb")}, of which the GC's committed heap {V($"{prefix}_gc_committed_mb")}; JIT code {V($"{prefix}_code_mb")}; mapped files {V($"{prefix}_files_mb")}") is { } parts
            ? parts + string.Concat(dashboard.Where(d => V(d.Figure) is not null).Select(d => $"; {d.Label} {V(d.Figure)}"))
            : null;
        var hops = All($"through nginx {V("customers_p99_ms_at_1000rps")}, straight to gateway-1 {V("customers_direct_p99_ms_at_1000rps")}, gateway-1's /health/live alone {V("gateway_health_direct_p99_ms_at_1000rps")} (p99 at 1,000 req/s each)");

        AtMost("throughput figures that saw a non-2xx answer", "every *_rps_* figure", figures.Count(f => f.Failed is not null), 0);
        AtLeast("GET /customers at 128 connections, as a share of the static file", "customers_rps_c128", Named("customers_rps_c128")?.Ratio, 0.25,
            Cpu("customers", "GET /customers", "static_customers", "the static file's"));
        var queued = All($"the same /customers straight to gateway-1 (no nginx): p99 {V("customers_direct_p99_ms_c32")}; some runnable task waited for a core {V("cpu_pressure_pct_c32")} of the time");
        AtMost("p99 of the workshop's /customers at 32 connections, 1 silo and 2 gateways (ms)", "customers_p99_ms_c32", Named("customers_p99_ms_c32")?.Value, 20, queued);
        AtMost("p99 of the workshop's /sales at 32 connections, 1 silo and 2 gateways (ms)", "sales_p99_ms_c32", Named("sales_p99_ms_c32")?.Value, 20, queued);
        AtMost("upstream convergence (s)", "upstream_convergence_s", Named("upstream_convergence_s")?.Value, 1);
        AtMost("requests failed during the gateway events", "upstream_events_failed_requests", Named("upstream_events_failed_requests")?.Value, 0);
        AtMost("rebalancing onto a third silo (s)", "rebalance_s", Named("rebalance_s")?.Value, 15,
            Named("rebalance_s") is { } rebalance ? FormattableString.Invariant($"its trials spread from {rebalance.Min} to {rebalance.Max} s (rebalance_s)") : null);
        AtMost("recovery after SIGKILL of a silo (s)", "kill_recovery_s", Named("kill_recovery_s")?.Value, 10);
        AtMost("an idle silo's resident size (MB)", "idle_silo_rss_mb", Named("idle_silo_rss_mb")?.Value, 128, Memory("idle_silo", ("the dashboard's own, from the cost scenario", "memory_dashboard_silo_mb")));
        AtMost("a frozen silo's own grains without an answer (s)", "freeze_outage_s", Named("freeze_outage_s")?.Value, 8);
        AtMost("reads elsewhere failed while a silo was frozen", "freeze_failed_reads_elsewhere", Named("freeze_failed_reads_elsewhere")?.Value, 0);
        AtMost("whole-cluster crash to serving after up (s)", "cluster_crash_recovery_s", Named("cluster_crash_recovery_s")?.Value, 30);
        AtMost("answers 500 while Redis was down", "redis_outage_500s", Named("redis_outage_500s")?.Value, 0);
        AtMost("acknowledged writes lost in the faults", "fault_lost_writes", Named("fault_lost_writes")?.Value, 0);
        AtLeast("creates/s over the last tenth of the ingest, as a share of the first tenth", "ingest_last_*_creates_per_s", Starting("ingest_last_")?.Ratio, 0.8);
        AtMost("creates failed in the ingest", "ingest_failed_requests", Named("ingest_failed_requests")?.Value, 0);
        AtMost("p99 of a 100-row page at the most customers, as a multiple of its p99 at 1,000 (32 connections)", $"page_p99_ms_c32_{largestPage} / page_p99_ms_c32_n1000",
            Ratio(Starting("page_p99_ms_c32_n"), Named("page_p99_ms_c32_n1000")), 1.5);
        AtLeast("a 100-row page at 128 connections, at the most customers, as a share of the static file", $"page_rps_c128_{largestPage}", Starting("page_rps_c128_n")?.Ratio, 0.25,
            All($"CPU per answer, every process that serves it: a page {V(pageCpu)} against the static file's {V($"static_page_cpu_ms_c128_{largestPage}")}, with the cores {V($"page_busy_pct_c128_{largestPage}")} busy"));
        AtMost("p99 of a 100-row page at 32 connections, at the most customers (ms)", $"page_p99_ms_c32_{largestPage}", Starting("page_p99_ms_c32_n")?.Value, 20,
            Value(pageCpu) is { } cpu ? All($"a page takes {V(pageCpu)} of CPU; 32 of them in flight on {Environment.ProcessorCount} cores take {32 * cpu / Environment.ProcessorCount:0.#} ms of the cores to serve each once") : null);
        AtMost("the silo after idle collection, as a multiple of the idle silo", "collected_silo_rss_mb", Named("collected_silo_rss_mb")?.Ratio, 2);
        // Issue 21: beside the peer (a minimal API over Redis), measured in the same turns.
        foreach (var resource in new[] { "customers", "sales" })
        {
            AtLeast($"Autopilot's GET /{resource} at 128 connections, as a multiple of the peer's", $"{resource}_beside_peer_rps_c128 / peer_{resource}_rps_c128",
                Ratio(Named($"{resource}_beside_peer_rps_c128"), Named($"peer_{resource}_rps_c128")), 1.5,
                Cpu($"{resource}_beside_peer", "Autopilot", $"peer_{resource}", "the peer"));
        }

        AtLeast("GET /customers at 128 connections, as a share of the gateway's ceiling (its /health/live)", "customers_rps_c128_of_gateway",
            Named("customers_rps_c128_of_gateway")?.Ratio, 0.7, Cpu("customers", "GET /customers", "gateway_health", "the gateway's /health/live"));
        AtLeast("the workshop's 4-row GET /customers, as a share of one record's GET /customers/{company} (128 connections)", "customers_rps_c128 / customer_get_rps_c128",
            Ratio(Named("customers_rps_c128"), Named("customer_get_rps_c128")), 0.8, Cpu("customers", "the 4-row list", "customer_get", "one record's"));
        AtLeast("a 100-row page at the most customers, 128 connections, as a share of the gateway's ceiling", $"page_rps_c128_{largestPage} / gateway_health_rps_c128",
            Ratio(Starting("page_rps_c128_n"), Named("gateway_health_rps_c128")), 0.5,
            All($"CPU per answer, every process that serves it: a page {V(pageCpu)} against the gateway's /health/live {V("gateway_health_cpu_ms_c128")}"));
        AtMost("an idle gateway's resident size (MB)", "gateway_rss_mb", Named("gateway_rss_mb")?.Value, 128, Memory("gateway", ("the dashboard's own at start, from the cost scenario", "memory_dashboard_gateway_mb"),
            ("and once its page is opened", "gateway_dashboard_opened_mb")));
        AtMost("p99 of GET /customers at 1,000 req/s offered (ms)", "customers_p99_ms_at_1000rps", Named("customers_p99_ms_at_1000rps")?.Value, 5, hops);
        AtMost("p99 of GET /customers at 1,000 req/s offered, as a multiple of the peer's", "customers_p99_ms_at_1000rps / peer_customers_p99_ms_at_1000rps",
            Ratio(Named("customers_p99_ms_at_1000rps"), Named("peer_customers_p99_ms_at_1000rps")), 1,
            hops is null ? null : All($"{hops}; the peer's through nginx {V("peer_customers_p99_ms_at_1000rps")}"));
        return targets;
    }
}
