# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0: Debian from the machine's mirror with the ASP.NET Core runtime taken
# from the machine's SDK, and the non-root user "app" (uid 1654) that the public image has.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 zlib1g libstdc++6 && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1654 app && useradd --uid 1654 --gid app --create-home app
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true APP_UID=1654
