using Autopilot.Hosting;
using Microsoft.Extensions.Options;

namespace Autopilot.Silo;

/// <summary>
/// Hand-written, as neither Orleans nor the runtime offers it: once Orleans' idle collection has deactivated a burst of
/// activations, the garbage they leave sits in the oldest generation until the next full collection, which an idle
/// silo may not run for hours, so its memory stays at the burst's peak. Every <see cref="MemoryTrimOptions.CheckEvery"/>
/// this reads the silo's activation count; when the count has fallen to half or less of the highest seen since the
/// last trim, by at least <see cref="MemoryTrimOptions.MinimumDrop"/>, it runs one full, compacting collection that
/// returns the freed memory to the operating system (<see cref="GCCollectionMode.Aggressive"/>). A steady working set
/// never triggers it.
/// </summary>
internal sealed partial class MemoryTrim(
    IGrainFactory grains, ILocalSiloDetails silo, IOptions<MemoryTrimOptions> settings, TimeProvider time, ILogger<MemoryTrim> logger) : BackgroundService
{
    private readonly MemoryTrimOptions options = settings.Value;
    private readonly MemoryTrimPolicy policy = new(settings.Value.MinimumDrop);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.MinimumDrop <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.CheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            int activations;
            try
            {
                var statistics = await grains.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([silo.SiloAddress]);
                activations = statistics[0].ActivationCount;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Not active yet, or leaving: the next tick reads again.
                continue;
            }

            if (policy.Observe(activations) is { } peak)
            {
                var before = Environment.WorkingSet;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                Trimmed(logger, peak, activations, before / 1_048_576, Environment.WorkingSet / 1_048_576);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory trimmed after idle collection: activations {Peak} -> {Activations}, resident {Before} MB -> {After} MB")]
    private static partial void Trimmed(ILogger logger, int peak, int activations, long before, long after);
}

/// <summary>The trim's decision alone: the highest count since the last trim, and whether the count has fallen far enough.</summary>
public sealed class MemoryTrimPolicy(int minimumDrop)
{
    private int peak;

    /// <summary>Records a count; returns the peak it fell from when it is time to trim, else null.</summary>
    public int? Observe(int activations)
    {
        peak = Math.Max(peak, activations);
        if (minimumDrop <= 0 || peak - activations < minimumDrop || activations * 2 > peak)
        {
            return null;
        }

        var from = peak;
        peak = activations;
        return from;
    }
}

/// <summary>Section <c>MemoryTrim</c> (ours): when a silo gives memory back after idle collection.</summary>
public sealed class MemoryTrimOptions
{
    public const string Section = "MemoryTrim";

    /// <summary>How far the activation count must fall (and to half or less of its peak) before a trim; 0 turns trims off.</summary>
    public int MinimumDrop { get; set; } = 5_000;

    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    internal sealed class Validator : IValidateOptions<MemoryTrimOptions>
    {
        public ValidateOptionsResult Validate(string? name, MemoryTrimOptions options)
        {
            var errors = new List<string>();
            if (options.MinimumDrop < 0)
            {
                errors.Add($"{Section}:MinimumDrop must be 0 (off) or more; it is {options.MinimumDrop}.");
            }

            if (options.CheckEvery <= TimeSpan.Zero)
            {
                errors.Add($"{Section}:CheckEvery must be positive; it is {options.CheckEvery}.");
            }

            return AutopilotOptions.Result(errors);
        }
    }
}
