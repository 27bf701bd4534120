namespace Autopilot.Gateway;

/// <summary>
/// <c>HEAD</c> beside a <c>GET</c> route (RFC 9110 §9.1: every general-purpose server supports both): the same handler, so
/// the same status and headers (<c>ETag</c>, <c>Content-Length</c>), and no body (Kestrel drops what a handler writes to a
/// HEAD's response; <see cref="ETaggedJson{T}"/> writes none). Left out of the OpenAPI document, which would list the
/// operation twice under one name; HEAD is implied by GET there.
/// </summary>
public static class HeadRoutes
{
    public static RouteHandlerBuilder MapHead(this IEndpointRouteBuilder app, string pattern, Delegate handler) =>
        app.MapMethods(pattern, [HttpMethods.Head], handler).ExcludeFromDescription();
}
