using System.Diagnostics;

namespace Autopilot.Bench;

/// <summary>
/// The edge's ceiling: the same nginx binary the edge runs, serving static files as large as the answers measured,
/// on a port of its own. Files can be added while it runs.
/// </summary>
public sealed class StaticFiles : IDisposable
{
    private readonly string folder;
    private readonly int port;
    private readonly Process nginx;

    private StaticFiles(string folder, int port, Process nginx) => (this.folder, this.port, this.nginx) = (folder, port, nginx);

    public static StaticFiles Start(string results, int port)
    {
        var folder = Path.Combine(results, "static");
        var nginx = Nginx.Start(folder, $$"""
                server {
                    listen 127.0.0.1:{{port}};
                    root {{folder}};
                    default_type application/json;
                }
            """);
        return new StaticFiles(folder, port, nginx);
    }

    /// <summary>The process serving the files, for <see cref="Bench.SideBySide"/>'s CPU readings.</summary>
    public Dictionary<string, int> Processes => new() { ["nginx (static)"] = nginx.Id };

    /// <summary>Writes a file of <paramref name="size"/> bytes and returns its URL once nginx serves it.</summary>
    public async Task<string> Of(string name, int size, Func<Uri, Task<bool>> serves)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, name), new string('x', size));
        var url = $"http://127.0.0.1:{port}/{name}";
        await Poll.SecondsUntil(() => serves(new Uri(url)), TimeSpan.FromSeconds(10), $"the static file {name}");
        return url;
    }

    public void Dispose()
    {
        if (!nginx.HasExited)
        {
            nginx.Kill(entireProcessTree: true);
        }

        nginx.Dispose();
    }
}
