namespace Autopilot.Hosting;

/// <summary>
/// Section <c>Dashboard</c> (ours): whether the Orleans dashboard runs. Silos collect its figures, gateways serve its page
/// at <c>/dashboard/index.html</c>. It has no login, and costs memory (the bench's README has the figures).
/// </summary>
public sealed class DashboardSwitch
{
    public const string Section = "Dashboard";

    public bool Enabled { get; set; } = true;

    public static DashboardSwitch Load(IConfiguration configuration) => SectionBinder.Bind<DashboardSwitch>(configuration, Section);
}
