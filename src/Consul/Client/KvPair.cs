namespace Autopilot.Consul.Client;

/// <summary>A key of Consul's KV store; <see cref="ModifyIndex"/> is the CAS handle.</summary>
public sealed class KvPair
{
    public string Key { get; set; } = "";

    public byte[]? Value { get; set; }

    public ulong CreateIndex { get; set; }

    public ulong ModifyIndex { get; set; }

    public ulong LockIndex { get; set; }

    public ulong Flags { get; set; }
}
