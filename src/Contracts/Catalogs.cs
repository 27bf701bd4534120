namespace Autopilot.Contracts;

/// <summary>The kinds of record the record index keeps names of, for paging each table in name order.</summary>
public static class Catalogs
{
    public const string Customers = "customers";
    public const string Sales = "sales";
}
