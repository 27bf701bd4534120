using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Net.Http.Headers;

namespace Autopilot.Gateway;

/// <summary>
/// JSON answers with a strong ETag, a hash of the bytes sent, so every gateway tags the same answer alike; a request whose
/// <c>If-None-Match</c> names it gets 304 and no body. <c>Cache-Control: no-cache</c> makes browsers ask again each time,
/// conditionally, so the page's refresh costs a 304 when nothing changed.
/// </summary>
public static class ConditionalJson
{
    public static IResult Answer<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        var etag = new EntityTagHeaderValue($"\"{Base64Url(SHA256.HashData(body).AsSpan(0, 16))}\"");
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
