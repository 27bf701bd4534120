using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Autopilot.Gateway;

/// <summary>
/// The shape both record resources share: <c>GET {path}</c> (paged, with ETag), <c>GET {path}/{key}</c> (with ETag), both
/// also as <c>HEAD</c> (<see cref="HeadRoutes"/>), and <c>PUT {path}/{key}</c> (conditional with <c>If-Match</c> or
/// <c>If-None-Match</c>: <see cref="WritePreconditions"/>), with typed results, the name checked by
/// <see cref="ValidNameFilter"/>, names and metadata for the OpenAPI document, and every problem answer declared.
/// </summary>
public static class RecordEndpoints
{
    public static RouteGroupBuilder MapRecords<TRecord, TPut>(this IEndpointRouteBuilder app, RecordApi<TRecord, TPut> api, string name, string plural)
        where TRecord : class
        where TPut : class
    {
        var group = app.MapGroup(api.Path).WithTags(plural);
        var list = (HttpContext context, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken) => ListAsync(api, context, grains, calls, cancellationToken);
        var get = (HttpContext context, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken) => GetAsync(api, KeyOf(api, context), grains, calls, cancellationToken);
        group.MapHead("/", list);
        group.MapHead($"/{{{api.Key}}}", get).AddEndpointFilter(new ValidNameFilter(api.Key));
        group.MapGet("/", list)
            .WithName($"List{plural}")
            .WithSummary($"A page of {api.Noun}s in name order (limit, after); Link: rel=\"next\" names the following page.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet($"/{{{api.Key}}}", get)
            .WithName($"Get{name}")
            .AddOpenApiOperationTransformer(PathParameter(api.Key, api.Noun))
            .WithSummary($"One {api.Noun}, with where its data came from.")
            .AddEndpointFilter(new ValidNameFilter(api.Key))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPut($"/{{{api.Key}}}", (HttpContext context, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken) => PutAsync(api, KeyOf(api, context), context.Request, grains, calls, cancellationToken))
            .WithName($"Put{name}")
            .AddOpenApiOperationTransformer(PathParameter(api.Key, api.Noun))
            .WithSummary($"Creates or updates one {api.Noun}; idempotent, so a 504 may be answered by sending it again. If-Match and If-None-Match (an ETag of GET {api.Path}/{{{api.Key}}}, or *) make it conditional: 412 when they fail.")
            .AddEndpointFilter(new ValidNameFilter(api.Key))
            .Accepts<TPut>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return group;
    }

    // The handlers read the route value themselves (its name differs per resource), so the document is told of it here.
    private static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> PathParameter(string key, string noun) =>
        (operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = key,
                In = ParameterLocation.Path,
                Required = true,
                Description = $"The {noun}'s name: 1 to {Validation.MaxNameLength} letters, digits, spaces and .,&'- starting with a letter or digit.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Validation.MaxNameLength },
            });
            return Task.CompletedTask;
        };

    // The route value the resource names its records by ({company}, {rep}); ValidNameFilter has checked it.
    private static string KeyOf<TRecord, TPut>(RecordApi<TRecord, TPut> api, HttpContext context)
        where TRecord : class
        where TPut : class => (string)context.Request.RouteValues[api.Key]!;

    private static async Task<Results<ETaggedJson<IReadOnlyList<TRecord>>, ProblemHttpResult>> ListAsync<TRecord, TPut>(
        RecordApi<TRecord, TPut> api, HttpContext context, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken)
        where TRecord : class
        where TPut : class
    {
        var (page, problem) = PageRequest.Parse(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await calls.Read(token => api.List(grains, page!, token), cancellationToken).WaitAsync(cancellationToken);
        if (page!.NextLink(context.Request.Path, rows.Next) is { } link)
        {
            context.Response.Headers.Link = link;
        }

        return new ETaggedJson<IReadOnlyList<TRecord>>(rows.Rows, api.ListJson);
    }

    private static async Task<Results<ETaggedJson<TRecord>, ProblemHttpResult>> GetAsync<TRecord, TPut>(
        RecordApi<TRecord, TPut> api, string key, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken)
        where TRecord : class
        where TPut : class =>
        await calls.Read(token => api.Get(grains, key, token), cancellationToken).WaitAsync(cancellationToken) is { } record
            ? new ETaggedJson<TRecord>(record, api.RecordJson, api.Tag)
            : Problems.NotFound($"There is no {api.Noun} named '{key}'.");

    private static async Task<Results<Ok<TRecord>, ProblemHttpResult>> PutAsync<TRecord, TPut>(
        RecordApi<TRecord, TPut> api, string key, HttpRequest request, IGrainFactory grains, LostGatewayCalls calls, CancellationToken cancellationToken)
        where TRecord : class
        where TPut : class
    {
        var (precondition, badHeader) = WritePreconditions.Parse(request);
        if (badHeader is not null)
        {
            return badHeader;
        }

        var (body, problem) = await JsonBody.ReadAsync(request, api.PutJson, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return api.BodyError(body!) is { } error
            ? Problems.BadRequest(error)
            : await calls.Write(token => api.Put(grains, key, body!, precondition, token), cancellationToken).WaitAsync(cancellationToken);
    }
}
