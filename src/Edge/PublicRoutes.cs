namespace Autopilot.Edge;

/// <summary>
/// What the front door serves: the page, the API (<c>/customers</c> and <c>/sales</c>, and a record of each) and the
/// cluster view the page shows. The gateways' dashboard, <c>/metrics</c>, <c>/openapi</c> and health stay on their own
/// listeners (docs/security.md). nginx's template keeps the same list in its <c>$public_route</c> map.
/// </summary>
public static class PublicRoutes
{
    /// <summary>The route patterns YARP proxies to the gateways, in ASP.NET Core's route syntax.</summary>
    public static IReadOnlyList<string> Patterns { get; } = ["/", "/cluster", "/customers", "/customers/{**record}", "/sales", "/sales/{**record}"];

    /// <summary>The answer to anything else, as nginx gives it.</summary>
    public const string NotFound =
        """{"type":"about:blank","title":"Not found.","status":404,"detail":"The front door serves the page, /customers, /sales and /cluster; nothing else."}""";

    /// <summary>The answer past a client's limit, as nginx gives it.</summary>
    public const string TooManyRequests =
        """{"type":"about:blank","title":"Too many requests.","status":429,"detail":"This client sends more requests, or holds more at once, than the front door allows one client; nothing was done. Retry after the time Retry-After gives."}""";
}
