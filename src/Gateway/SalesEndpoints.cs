using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Autopilot.Gateway;

/// <summary><c>/sales</c>: the workshop's Sales service, each rep joined with its client's territory from the Customers side.</summary>
public static class SalesEndpoints
{
    public static readonly RecordApi<SalesRepRecord, SalesRepPut> Api = new(
        "/sales", "rep", "sales rep",
        (grains, page, token) => grains.GetGrain<ITablesGrain>(0).SalesReps(page.After, page.Limit, token),
        (grains, rep, token) => grains.GetGrain<ISalesRepGrain>(rep).Get(token),
        body => Validation.PhoneError("phone", body.Phone) ?? (body.Client is null ? null : Validation.NameError("client", body.Client)),
        PutAsync,
        EntityTags.Of,
        GatewayJsonContext.Default.SalesRepRecord, GatewayJsonContext.Default.IReadOnlyListSalesRepRecord, GatewayJsonContext.Default.SalesRepPut);

    public static IEndpointRouteBuilder MapSales(this IEndpointRouteBuilder app)
    {
        app.MapRecords(Api, "SalesRep", "Sales");
        return app;
    }

    private static async Task<Results<Ok<SalesRepRecord>, ProblemHttpResult>> PutAsync(IGrainFactory grains, string rep, SalesRepPut body, WritePrecondition? precondition, CancellationToken token)
    {
        var grain = grains.GetGrain<ISalesRepGrain>(rep);
        var result = precondition is null
            ? await grain.Put(body.Phone!, body.Client, token)
            : await grain.PutIf(body.Phone!, body.Client, precondition, token);
        return result.Record is { } record
            ? TypedResults.Ok(record)
            : Problems.Unprocessable($"The client '{result.UnknownClient}' is not a known customer; create it with PUT /customers/{{company}} first.");
    }
}
