using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Client;

/// <summary>
/// A small typed client of Consul's HTTP API: KV with CAS, transactions, agent services and checks,
/// health with blocking queries, status. Hand-written because neither the <c>Consul</c> client package nor
/// Orleans' Consul provider can be restored from this project's package source (see docs/architecture.md); its calls
/// keep the names of Consul's endpoints so that a later swap is mechanical. Timeouts are applied here, per
/// call; retries of transient failures come from the resilience handler of the named HttpClient. Given several agents of
/// one cluster (a quorum of servers), it keeps to one and moves to the next when that one does not answer: KV, health and
/// ACL calls mean the same on every server; agent calls (registrations) take the agent they mean.
/// </summary>
public sealed class ConsulClient(IHttpClientFactory httpClientFactory, IOptions<ConsulClientOptions> options)
{
    public const string HttpClientName = "Autopilot.Consul";

    /// <summary>
    /// Set on blocking queries: their caller is a watch that handles every error itself (keeps its last view, backs off)
    /// and must see them, e.g. to notice an agent that restarted; a quiet retry would hide that.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("Autopilot.Consul.NoRetry");

    private const int MaxErrorBodyLength = 500;

    // Set once Consul has accepted this client's token: from then on, "ACL not found" is an outage, not bad configuration.
    private volatile bool tokenAccepted;

    // The agent this client keeps to, as an index into the configured agents (modulo their count). Each process starts at
    // a random one, so that a stack's processes spread over the servers; it moves on when that agent does not answer.
    private int current = Random.Shared.Next(1 << 20);

    /// <summary>The agent this client talks to now: the one of <see cref="ConsulClientOptions.Address"/> that last answered.</summary>
    public Uri Address => Agents[Volatile.Read(ref current) % Agents.Count];

    /// <summary>Every agent of <see cref="ConsulClientOptions.Address"/> (read once: the options do not change).</summary>
    public IReadOnlyList<Uri> Agents => field ??= options.Value.AddressUris;

    public async Task<KvPair?> KvGet(string key, CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, $"v1/kv/{Escape(key)}", null, null, cancellationToken, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : (await Read(response, ConsulJsonContext.Default.ListKvPair, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Every key under <paramref name="prefix"/>; with <paramref name="index"/> &gt; 0, blocks until something under it changes or
    /// <paramref name="wait"/> passes. <paramref name="consistent"/> asks for Consul's <c>consistent</c> mode: the leader confirms
    /// that it still leads and has applied its log before it answers, so a leader elected a moment ago never answers from a
    /// store it has not finished rebuilding (the default mode may: hashicorp/consul#2644, fixed for consistent reads only).
    /// </summary>
    public async Task<BlockingResult<IReadOnlyList<KvPair>>> KvList(
        string prefix, ulong index = 0, TimeSpan? wait = null, bool consistent = false, CancellationToken cancellationToken = default)
    {
        var query = $"?recurse=true{Blocking(index, wait)}{(consistent ? "&consistent" : "")}";
        using var response = await Send(HttpMethod.Get, $"v1/kv/{Escape(prefix)}{query}", null, wait, cancellationToken, HttpStatusCode.NotFound);
        IReadOnlyList<KvPair> pairs = response.StatusCode == HttpStatusCode.NotFound ? [] : await Read(response, ConsulJsonContext.Default.ListKvPair, cancellationToken);
        return new(pairs, IndexOf(response));
    }

    /// <summary>Writes a key; with <paramref name="cas"/>, only if its ModifyIndex still is that (0: only if absent). False when the CAS lost.</summary>
    public async Task<bool> KvPut(string key, byte[] value, ulong? cas = null, CancellationToken cancellationToken = default)
    {
        var query = cas is { } index ? $"?cas={index}" : "";
        using var response = await Send(HttpMethod.Put, $"v1/kv/{Escape(key)}{query}", new ByteArrayContent(value), null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.Boolean, cancellationToken);
    }

    /// <summary>Deletes a key, or a whole tree; with <paramref name="cas"/>, only if its ModifyIndex still is that.</summary>
    public async Task<bool> KvDelete(string key, bool recurse = false, ulong? cas = null, CancellationToken cancellationToken = default)
    {
        var query = recurse ? "?recurse=true" : cas is { } index ? $"?cas={index}" : "";
        using var response = await Send(HttpMethod.Delete, $"v1/kv/{Escape(key)}{query}", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.Boolean, cancellationToken);
    }

    /// <summary>Runs the operations atomically: all apply, or none and <see cref="TxnResponse.Errors"/> says which failed.</summary>
    public async Task<TxnResponse> Txn(IReadOnlyList<TxnOp> operations, CancellationToken cancellationToken = default)
    {
        var body = JsonContent(operations.ToList(), ConsulJsonContext.Default.ListTxnOp);
        using var response = await Send(HttpMethod.Put, "v1/txn", body, null, cancellationToken, HttpStatusCode.Conflict);
        return await Read(response, ConsulJsonContext.Default.TxnResponse, cancellationToken);
    }

    /// <summary>Registers a service with the agent <paramref name="agent"/> (by default, the one this client talks to now).</summary>
    public async Task ServiceRegister(AgentServiceRegistration registration, CancellationToken cancellationToken = default, Uri? agent = null)
    {
        using var response = await SendTo(agent, HttpMethod.Put, "v1/agent/service/register", JsonContent(registration, ConsulJsonContext.Default.AgentServiceRegistration), null, cancellationToken);
    }

    /// <summary>
    /// Removes a service from the agent <paramref name="agent"/> (by default, the one this client talks to now); false if
    /// that agent did not hold it (as good as removed).
    /// </summary>
    public async Task<bool> ServiceDeregister(string serviceId, CancellationToken cancellationToken = default, Uri? agent = null)
    {
        try
        {
            using var response = await SendTo(agent, HttpMethod.Put, $"v1/agent/service/deregister/{Escape(serviceId)}", null, null, cancellationToken, HttpStatusCode.NotFound);
            return response.StatusCode != HttpStatusCode.NotFound;
        }
        catch (ConsulException e) when (e.StatusCode == (int)HttpStatusCode.InternalServerError && e.Message.Contains("Unknown service", StringComparison.Ordinal))
        {
            // Consul 1.8 with ACLs on answers 500 "Unknown service", not 404, for a service the agent does not hold.
            return false;
        }
    }

    /// <summary>The service as the agent <paramref name="agent"/> (by default, the one this client talks to now) holds it, or null if it does not know it (it restarted, or reaped it).</summary>
    public async Task<AgentService?> AgentService(string serviceId, CancellationToken cancellationToken = default, Uri? agent = null)
    {
        using var response = await SendTo(agent, HttpMethod.Get, $"v1/agent/service/{Escape(serviceId)}", null, null, cancellationToken, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read(response, ConsulJsonContext.Default.AgentService, cancellationToken);
    }

    /// <summary>Every service the local agent holds, by ID.</summary>
    public async Task<IReadOnlyDictionary<string, AgentService>> AgentServices(CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, "v1/agent/services", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.DictionaryStringAgentService, cancellationToken);
    }

    /// <summary>The instances of a service with their checks; with <paramref name="index"/> &gt; 0, blocks until they change or <paramref name="wait"/> passes.</summary>
    public async Task<BlockingResult<IReadOnlyList<ServiceEntry>>> HealthService(
        string service, bool passingOnly, ulong index = 0, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        var query = (passingOnly ? "?passing=true" : "?passing=false") + Blocking(index, wait);
        using var response = await Send(HttpMethod.Get, $"v1/health/service/{Escape(service)}{query}", null, wait, cancellationToken);
        return new(await Read(response, ConsulJsonContext.Default.ListServiceEntry, cancellationToken), IndexOf(response));
    }

    /// <summary>The ACL policy named <paramref name="name"/> with its rules, or null if there is none.</summary>
    /// <remarks>Consul 1.8 answers a read by name of a policy that does not exist with 403 "ACL not found", as it answers an
    /// unknown token; so the policy is looked up in the list and then read by its ID.</remarks>
    public async Task<AclPolicy?> AclPolicyByName(string name, CancellationToken cancellationToken = default)
    {
        List<AclPolicy> policies;
        using (var list = await Send(HttpMethod.Get, "v1/acl/policies", null, null, cancellationToken))
        {
            policies = await Read(list, ConsulJsonContext.Default.ListAclPolicy, cancellationToken);
        }

        if (policies.FirstOrDefault(p => p.Name == name) is not { ID: { Length: > 0 } id })
        {
            return null;
        }

        using var response = await Send(HttpMethod.Get, $"v1/acl/policy/{Escape(id)}", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.AclPolicy, cancellationToken);
    }

    /// <summary>Creates an ACL policy, or updates it (with its <see cref="AclPolicy.ID"/>).</summary>
    public async Task<AclPolicy> AclPolicyWrite(AclPolicy policy, CancellationToken cancellationToken = default)
    {
        var path = policy.ID is { Length: > 0 } id ? $"v1/acl/policy/{Escape(id)}" : "v1/acl/policy";
        using var response = await Send(HttpMethod.Put, path, JsonContent(policy, ConsulJsonContext.Default.AclPolicy), null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.AclPolicy, cancellationToken);
    }

    /// <summary>The token this client presents, as Consul knows it; throws <see cref="ConsulAccessDeniedException"/> if Consul does not know it.</summary>
    public async Task<AclToken> AclTokenSelf(CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, "v1/acl/token/self", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.AclToken, cancellationToken);
    }

    /// <summary>Every ACL token, without their secrets (see <see cref="AclTokenRead"/>).</summary>
    public async Task<IReadOnlyList<AclToken>> AclTokens(CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, "v1/acl/tokens", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.ListAclToken, cancellationToken);
    }

    /// <summary>The token whose accessor is <paramref name="accessorId"/>; a management token sees its secret too (the list does not show secrets).</summary>
    public async Task<AclToken> AclTokenRead(string accessorId, CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, $"v1/acl/token/{Escape(accessorId)}", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.AclToken, cancellationToken);
    }

    /// <summary>Creates a token with the secret and policies given.</summary>
    public async Task<AclToken> AclTokenCreate(AclToken token, CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Put, "v1/acl/token", JsonContent(token, ConsulJsonContext.Default.AclToken), null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.AclToken, cancellationToken);
    }

    /// <summary>Sets one of the local agent's own tokens (<c>agent</c>, <c>default</c>, ...).</summary>
    public async Task AgentToken(string kind, string token, CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Put, $"v1/agent/token/{Escape(kind)}", JsonContent(new AgentTokenUpdate { Token = token }, ConsulJsonContext.Default.AgentTokenUpdate), null, cancellationToken);
    }

    /// <summary>The Raft leader's address; empty while the cluster has none.</summary>
    public async Task<string> StatusLeader(CancellationToken cancellationToken = default)
    {
        using var response = await Send(HttpMethod.Get, "v1/status/leader", null, null, cancellationToken);
        return await Read(response, ConsulJsonContext.Default.String, cancellationToken);
    }

    private Task<HttpResponseMessage> Send(
        HttpMethod method, string path, HttpContent? content, TimeSpan? blockingWait, CancellationToken cancellationToken, params HttpStatusCode[] alsoExpected) =>
        SendTo(null, method, path, content, blockingWait, cancellationToken, alsoExpected);

    /// <summary>
    /// Sends one call to <paramref name="agent"/>, or, when it is null, to the agent this client keeps to. An agent that does
    /// not answer (no connection, or no answer in time) is left for the next one, for this call if nothing can have reached
    /// the first (a read, or a write whose connection was never made) and for every later one.
    /// </summary>
    private async Task<HttpResponseMessage> SendTo(
        Uri? agent, HttpMethod method, string path, HttpContent? content, TimeSpan? blockingWait, CancellationToken cancellationToken, params HttpStatusCode[] alsoExpected)
    {
        var settings = options.Value;
        // A blocking query may be held up to wait + wait/16 (Consul's jitter); allow that on top of the ordinary timeout.
        var timeout = settings.RequestTimeout + (blockingWait is { } wait ? wait + (wait / 16) : TimeSpan.Zero);
        byte[]? payload = null;
        MediaTypeHeaderValue? contentType = null;
        if (content is not null)
        {
            using (content)
            {
                payload = await content.ReadAsByteArrayAsync(cancellationToken);
                contentType = content.Headers.ContentType;
            }
        }

        HttpResponseMessage response;
        for (var attempt = 1; ; attempt++)
        {
            var index = Volatile.Read(ref current);
            var target = agent ?? Agents[index % Agents.Count];
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            using var request = new HttpRequestMessage(method, new Uri(target, path));
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = contentType;
            }

            request.Options.Set(NoRetry, blockingWait is not null);
            try
            {
                response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutSource.Token);
                break;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (Agents.Count > 1 && target == Agents[index % Agents.Count])
                {
                    // The agent this client keeps to does not answer: move on (also when the call named it).
                    Interlocked.CompareExchange(ref current, index + 1, index);
                    if (agent is null && attempt < Agents.Count
                        && (method == HttpMethod.Get || e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }))
                    {
                        continue;
                    }
                }

                if (e is OperationCanceledException)
                {
                    throw new TimeoutException($"Consul at {target} did not answer {method} /{path} within {timeout.TotalSeconds:0.#} s.");
                }

                throw;
            }
        }

        if (response.IsSuccessStatusCode || alsoExpected.Contains(response.StatusCode))
        {
            tokenAccepted = true;
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > MaxErrorBodyLength)
            {
                body = body[..MaxErrorBodyLength] + "…";
            }

            var tokenUnknown = body.Contains("ACL not found", StringComparison.OrdinalIgnoreCase);
            if (response.StatusCode == HttpStatusCode.Forbidden && tokenUnknown && tokenAccepted)
            {
                // A Consul server that has just restarted resolves tokens from its last snapshot until it has a leader and
                // has replayed its log, so a token made since is "not found" for a few seconds: the same outage as
                // "No cluster leader". (A token the operator deleted reads the same; the hosts then log this every retry.)
                throw new ConsulException(
                    $"Consul answered {method} /{path} with 403 ({body.Trim()}) for the token of {settings.TokenSource}, which it had accepted before: " +
                    "a Consul server that has just restarted does not know recent tokens until it has a leader; taken as an outage.",
                    (int)response.StatusCode,
                    outage: true);
            }

            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new ConsulAccessDeniedException(
                    $"Consul refused {method} /{path} ({body.Trim()}): the token of {settings.TokenSource} is missing, unknown, or another role's.",
                    tokenUnknown);
            }

            throw new ConsulException($"Consul answered {(int)response.StatusCode} to {method} /{path}: {body.Trim()}", (int)response.StatusCode);
        }
    }

    private static async Task<T> Read<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken)
            ?? throw new ConsulException($"Consul answered {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} with JSON null.", (int)response.StatusCode);
    }

    private static ByteArrayContent JsonContent<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ulong IndexOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Consul-Index", out var values) && ulong.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var index)
            ? index
            : 0;

    private static string Blocking(ulong index, TimeSpan? wait) =>
        index > 0 ? $"&index={index}&wait={(long)(wait ?? TimeSpan.FromSeconds(10)).TotalMilliseconds}ms" : "";

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
