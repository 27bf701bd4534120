using System.Globalization;
using Microsoft.Extensions.Options;

namespace Autopilot.Edge;

/// <summary>
/// nginx's files in the edge's run folder: the main configuration rendered from the template (deploy/nginx/nginx.conf), and
/// the upstream file it includes, replaced whole by rename so that nginx never reads half a file, with the previous one kept
/// for a roll-back.
/// </summary>
public sealed class NginxFiles(EdgeOptions options)
{
    public string Run => Path.GetFullPath(options.RunDirectory);

    public string MainConf => Path.Combine(Run, "nginx.conf");

    public string Upstreams => Path.Combine(Run, "gateways.conf");

    /// <summary>Writes the main configuration and an empty upstream; throws if the template is missing.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.Template))
        {
            throw new OptionsValidationException(EdgeOptions.Section, typeof(EdgeOptions), [$"{EdgeOptions.Section}:Template '{options.Template}' does not exist."]);
        }

        foreach (var folder in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(Run, "tmp", folder));
        }

        var template = await File.ReadAllTextAsync(options.Template, cancellationToken);
        var rendered = new Dictionary<string, string>
        {
            ["__RUN__"] = Run,
            ["__LISTEN__"] = options.Listen,
            ["__RATE__"] = options.RatePerClient.ToString(CultureInfo.InvariantCulture),
            ["__BURST__"] = options.BurstPerClient.ToString(CultureInfo.InvariantCulture),
            ["__CONNECTIONS__"] = options.ConnectionsPerClient.ToString(CultureInfo.InvariantCulture),
        }.Aggregate(template, (text, placeholder) => text.Replace(placeholder.Key, placeholder.Value, StringComparison.Ordinal));
        await File.WriteAllTextAsync(MainConf, rendered, cancellationToken);
        await File.WriteAllTextAsync(Upstreams, NginxUpstream.Render([], generation: 0), cancellationToken);
    }

    /// <summary>Puts <paramref name="rendered"/> in place of the upstream file, keeping the previous one for <see cref="RollBack"/>.</summary>
    public async Task ReplaceUpstreamAsync(string rendered, CancellationToken cancellationToken)
    {
        var candidate = Upstreams + ".new";
        await File.WriteAllTextAsync(candidate, rendered, cancellationToken);
        File.Copy(Upstreams, Upstreams + ".prev", overwrite: true);
        File.Move(candidate, Upstreams, overwrite: true);
    }

    public void RollBack() => File.Move(Upstreams + ".prev", Upstreams, overwrite: true);
}
