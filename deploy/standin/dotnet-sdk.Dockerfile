# Stand-in for mcr.microsoft.com/dotnet/sdk:10.0 where public images cannot be pulled: Debian from the machine's mirror
# (autopilot-base/debian) with the machine's own .NET SDK, and the machine's certificate authorities, so that NuGet restore
# inside a build trusts what the machine trusts. Built by ./autopilot images from a context it assembles; nothing of the
# machine is committed.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 zlib1g libstdc++6 libicu72 && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_CERT_REVOCATION_MODE=offline SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
