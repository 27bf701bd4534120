using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Autopilot.Contracts;

/// <summary>
/// The strong entity tag of one record as a <c>GET</c> answers it: a hash of every field the body shows, so it changes
/// whenever the body does (the silo named in <c>source</c> included) and every gateway and silo computes the same one. The
/// gateway sends it as <c>ETag</c>; the record's grain compares a conditional write's tags with it
/// (<see cref="WritePrecondition"/>).
/// </summary>
public static class EntityTags
{
    /// <summary>The ETag of <paramref name="record"/>, quoted, as the header carries it.</summary>
    public static string Of(CustomerRecord record) =>
        Hash("customer/1", record.Company, record.Location, record.Rep, record.Source, record.RepSource);

    /// <summary>The ETag of <paramref name="record"/>, quoted, as the header carries it.</summary>
    public static string Of(SalesRepRecord record) =>
        Hash("salesrep/1", record.Rep, record.Phone, record.Client, record.Territory, record.Source, record.TerritorySource);

    // Each field length-prefixed (null as -1), so that no two different records share the bytes hashed.
    private static string Hash(params string?[] fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            var bytes = field is null ? [] : Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, field is null ? -1 : bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        var digest = hash.GetHashAndReset().AsSpan(0, 16);
        return $"\"{Convert.ToBase64String(digest).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";
    }
}
