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
        Directory.CreateDirectory(Path.Combine(folder, "tmp"));
        var config = $$"""
            worker_processes auto;
            error_log {{folder}}/error.log warn;
            pid {{folder}}/nginx.pid;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/tmp;
                proxy_temp_path {{folder}}/tmp;
                fastcgi_temp_path {{folder}}/tmp;
                uwsgi_temp_path {{folder}}/tmp;
                scgi_temp_path {{folder}}/tmp;
                keepalive_requests 10000;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{folder}};
                    default_type application/json;
                }
            }
            """;
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), config);
        var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", folder + "/", "-c", Path.Combine(folder, "nginx.conf"), "-g", Environment.UserName == "root" ? "daemon off; user root;" : "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        return new StaticFiles(folder, port, Process.Start(start) ?? throw new InvalidOperationException("nginx did not start"));
    }

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
