namespace Autopilot.Hosting;

/// <summary>
/// Key <c>Dashboard:Enabled</c> (ours): whether the Orleans dashboard runs. Silos collect its figures, gateways serve its
/// page at <c>/dashboard/index.html</c>. It has no login, and costs memory (the bench's README has the figures). Read while
/// the host is built, as Orleans reads its provider types: it decides what is added.
/// </summary>
public static class DashboardSwitch
{
    public const string Key = "Dashboard:Enabled";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue(Key, defaultValue: true);
}
