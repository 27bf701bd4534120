namespace Autopilot.Chaos;

/// <summary>How an operation ended, as its client saw it.</summary>
public enum Outcome
{
    /// <summary>Acknowledged: a write took effect, a read returned its value.</summary>
    Ok,

    /// <summary>Refused before it ran (a 4xx, or a 503 that says it did not run): a write had no effect.</summary>
    Failed,

    /// <summary>Unknown: a timeout, a 502 or a 504, or no answer at all. A write may or may not have taken effect.</summary>
    Indeterminate,
}
