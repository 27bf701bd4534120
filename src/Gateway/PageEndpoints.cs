namespace Autopilot.Gateway;

/// <summary><c>GET /</c>: the workshop's page, embedded in the assembly so it is served whatever the working folder.</summary>
public static class PageEndpoints
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream("index.html")
            ?? throw new InvalidOperationException("The page is not embedded in the gateway assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder app)
    {
        var page = () => TypedResults.Bytes(Page.Value, "text/html; charset=utf-8");
        app.MapGet("/", page);
        app.MapHead("/", page);
        return app;
    }
}
