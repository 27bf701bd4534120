namespace Autopilot.Grains;

/// <summary>The records the classic workshop starts with.</summary>
public static class SeedData
{
    public static IReadOnlyList<(string Company, string Location)> Customers { get; } =
    [
        ("ACME Corporation", "Atlanta"),
        ("Vandelay Industries", "Boston"),
        ("Hooli", "Chicago"),
        ("Initech", "Denver"),
    ];

    public static IReadOnlyList<(string Rep, string Phone, string Client)> Reps { get; } =
    [
        ("Alice", "555-1234", "ACME Corporation"),
        ("Bob", "555-2341", "Vandelay Industries"),
        ("Carol", "555-3412", "Hooli"),
        ("Dave", "555-4123", "Initech"),
    ];
}
