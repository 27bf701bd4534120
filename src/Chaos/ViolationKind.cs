namespace Autopilot.Chaos;

/// <summary>What a violation found in a history breaks.</summary>
public enum ViolationKind
{
    /// <summary>A read returned a value that no operation wrote.</summary>
    NeverWritten,

    /// <summary>A read returned the value of a write that was refused.</summary>
    ReadOfRefusedWrite,

    /// <summary>A read returned the value of a write that began after the read ended.</summary>
    FutureRead,

    /// <summary>A read returned W although an acknowledged W2 began after W ended and ended before the read began.</summary>
    StaleRead,

    /// <summary>The value a register ends with (a final read) is one that an acknowledged write strictly superseded.</summary>
    LostWrite,

    /// <summary>No order of the writes explains the reads (e.g. two reads saw two values in opposite orders).</summary>
    NotLinearizable,

    /// <summary>A customer is claimed by more than one rep.</summary>
    DoubleClaim,

    /// <summary>A customer's rep and that rep's client disagree.</summary>
    Disagreement,

    /// <summary>An acknowledged reassignment that nothing later or concurrent touched is not what the records show.</summary>
    UndoneReassignment,
}
