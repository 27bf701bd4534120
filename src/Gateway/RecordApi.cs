using System.Text.Json.Serialization.Metadata;
using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Autopilot.Gateway;

/// <summary>
/// One of the workshop's two record resources (<c>/customers</c>, <c>/sales</c>), described once: the list, the record and
/// the write it serves through <see cref="RecordEndpoints"/>.
/// </summary>
/// <param name="Path">The resource's path, e.g. <c>/customers</c>.</param>
/// <param name="Key">The route value naming one record, e.g. <c>company</c>.</param>
/// <param name="Noun">What one record is, for messages: <c>customer</c>.</param>
/// <param name="List">Reads a page of records.</param>
/// <param name="Get">Reads one record, or null if there is none.</param>
/// <param name="BodyError">The body's first broken rule, or null.</param>
/// <param name="Put">
/// Stores a record, under a conditional PUT's preconditions if any: the record, or a problem (a reference to a record that
/// does not exist).
/// </param>
/// <param name="Tag">One record's ETag (<see cref="EntityTags"/>), which a conditional PUT names.</param>
/// <param name="RecordJson">One record's JSON (source-generated).</param>
/// <param name="ListJson">A page's JSON.</param>
/// <param name="PutJson">The body's JSON.</param>
public sealed record RecordApi<TRecord, TPut>(
    string Path,
    string Key,
    string Noun,
    Func<IGrainFactory, PageRequest, CancellationToken, Task<Page<TRecord>>> List,
    Func<IGrainFactory, string, CancellationToken, Task<TRecord?>> Get,
    Func<TPut, string?> BodyError,
    Func<IGrainFactory, string, TPut, WritePrecondition?, CancellationToken, Task<Results<Ok<TRecord>, ProblemHttpResult>>> Put,
    Func<TRecord, string> Tag,
    JsonTypeInfo<TRecord> RecordJson,
    JsonTypeInfo<IReadOnlyList<TRecord>> ListJson,
    JsonTypeInfo<TPut> PutJson)
    where TRecord : class
    where TPut : class;
