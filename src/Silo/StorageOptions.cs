namespace Autopilot.Silo;

/// <summary>Where grain state lives, section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A StackExchange.Redis connection string; unset keeps grain state in the silos' memory.</summary>
    public string? Redis { get; set; }
}
