namespace Autopilot.Chaos;

/// <summary>What an operation of a history did to its key's register.</summary>
public enum OperationKind
{
    /// <summary>Read the register; its value is what was read (null: the record did not exist).</summary>
    Read,

    /// <summary>Wrote the register; its value is what was written, unique among the key's writes.</summary>
    Write,
}
