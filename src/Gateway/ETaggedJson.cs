using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Autopilot.Gateway;

/// <summary>
/// A typed result: <typeparamref name="T"/> as JSON with a strong ETag, so every gateway tags the same answer alike: a hash
/// of the bytes sent, or for one record the tag its grain checks a conditional write against (<see cref="EntityTags"/>, a
/// hash of the fields the bytes show). A request whose <c>If-None-Match</c> names it gets 304 and no body; one whose
/// <c>If-Match</c> does not, 412.
/// <c>Cache-Control: no-cache</c> makes browsers ask again each time, conditionally, so the page's refresh costs a 304 when
/// nothing changed. It declares its answers to the endpoint's metadata (and so to the OpenAPI document).
/// </summary>
public sealed class ETaggedJson<T>(T value, JsonTypeInfo<T> typeInfo, Func<T, string>? tagOf = null) : IResult, IEndpointMetadataProvider, IValueHttpResult, IValueHttpResult<T>
{
    public T Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext context)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(Value, typeInfo);
        var etag = context.RequestServices.GetRequiredService<ETagSwitch>().On
            ? new EntityTagHeaderValue(tagOf?.Invoke(Value) ?? EntityTags.Of(body))
            : null;

        // RFC 9110 §13.2.2: If-Match first (strong comparison; without an ETag only * matches), then If-None-Match.
        var request = context.Request.GetTypedHeaders();
        if (request.IfMatch.Count > 0 && !request.IfMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || (etag is not null && tag.Compare(etag, useStrongComparison: true))))
        {
            return Problems.PreconditionFailed(context, $"If-Match names none of the current ETag {etag?.ToString() ?? "(none: ETags are off)"}.");
        }

        if (etag is null)
        {
            return Write(context, body);
        }

        var headers = context.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (request.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return Write(context, body);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status412PreconditionFailed, typeof(ProblemDetails), ["application/problem+json"]));
    }

    // A HEAD is answered with the headers a GET would get, the length of its body included, and no body.
    private static Task Write(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }
}

/// <summary>Whether reads carry ETags (<see cref="ApiOptions.ETags"/>), read once when the gateway is built.</summary>
public sealed record ETagSwitch(bool On);
