using System.Globalization;

namespace Autopilot.Clustering.Consul;

/// <summary>The JSON of one silo's key in Consul KV: a <see cref="MembershipEntry"/> without its IAmAlive time, which has a key of its own.</summary>
internal sealed class MembershipRow
{
    public string SiloAddress { get; set; } = "";

    public string SiloName { get; set; } = "";

    public string HostName { get; set; } = "";

    public string Status { get; set; } = "";

    public int ProxyPort { get; set; }

    public string? RoleName { get; set; }

    public int UpdateZone { get; set; }

    public int FaultZone { get; set; }

    public DateTime StartTime { get; set; }

    /// <summary>The time written with the row itself; the <c>iamalive</c> key holds later ones.</summary>
    public DateTime IAmAliveTime { get; set; }

    public List<SuspectRow>? SuspectTimes { get; set; }

    public static MembershipRow From(MembershipEntry entry) => new()
    {
        SiloAddress = entry.SiloAddress.ToParsableString(),
        SiloName = entry.SiloName,
        HostName = entry.HostName,
        Status = entry.Status.ToString(),
        ProxyPort = entry.ProxyPort,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
        SuspectTimes = entry.SuspectTimes?.Select(s => new SuspectRow { Silo = s.Item1.ToParsableString(), Time = s.Item2 }).ToList(),
    };

    public MembershipEntry ToEntry(DateTime? iAmAlive) => new()
    {
        SiloAddress = Orleans.Runtime.SiloAddress.FromParsableString(SiloAddress),
        SiloName = SiloName,
        HostName = HostName,
        Status = Enum.Parse<SiloStatus>(Status),
        ProxyPort = ProxyPort,
        RoleName = RoleName,
        UpdateZone = UpdateZone,
        FaultZone = FaultZone,
        StartTime = StartTime,
        IAmAliveTime = iAmAlive is { } alive && alive > IAmAliveTime ? alive : IAmAliveTime,
        SuspectTimes = SuspectTimes?.Select(s => Tuple.Create(Orleans.Runtime.SiloAddress.FromParsableString(s.Silo), s.Time)).ToList() ?? [],
    };

    public static string FormatTime(DateTime time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTime? ParseTime(byte[]? value) =>
        value is { Length: > 0 } && DateTime.TryParse(System.Text.Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : null;
}
