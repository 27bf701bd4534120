namespace Autopilot.Contracts;

/// <summary>The keys of the catalog grains.</summary>
public static class Catalogs
{
    public const string Customers = "customers";
    public const string Sales = "sales";
}
