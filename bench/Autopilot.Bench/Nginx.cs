using System.Diagnostics;

namespace Autopilot.Bench;

/// <summary>The bench's own nginx (the binary the edge runs), in a folder of its own, with the given <c>server</c> blocks.</summary>
internal static class Nginx
{
    public static Process Start(string folder, string servers)
    {
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
            {{servers}}
            }
            """;
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), config);
        var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", folder + "/", "-c", Path.Combine(folder, "nginx.conf"), "-g", Environment.UserName == "root" ? "daemon off; user root;" : "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
    }
}
