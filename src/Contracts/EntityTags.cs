using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Autopilot.Contracts;

/// <summary>
/// The strong entity tags the API sends. One record's, as a <c>GET</c> answers it: a hash of every field the body shows,
/// so it changes whenever the body does (the silo named in <c>source</c> included) and every gateway and silo computes the
/// same one; the record's grain compares a conditional write's tags with it (<see cref="WritePrecondition"/>). A list's
/// page: a hash of the bytes sent.
/// </summary>
public static class EntityTags
{
    /// <summary>The ETag of a body sent as it is (a list's page): a hash of its bytes, quoted.</summary>
    public static string Of(ReadOnlySpan<byte> body) => Quoted(SHA256.HashData(body));

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

        return Quoted(hash.GetHashAndReset());
    }

    // The first 16 bytes of a SHA-256 digest, base64url, in quotes.
    private static string Quoted(byte[] digest) =>
        $"\"{Convert.ToBase64String(digest.AsSpan(0, 16)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";
}
