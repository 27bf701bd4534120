# The silo image: the same program the local stack runs (dotnet Autopilot.Silo.dll), as a non-root user.
# Build from the repository root: docker build -f deploy/silo.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo -c Release -o /out --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out .
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8090 \
    Orleans__Endpoints__SiloPort=11111 \
    Orleans__Endpoints__GatewayPort=30000
EXPOSE 11111 30000 8090
HEALTHCHECK --interval=5s --timeout=2s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:8090/health/ready || exit 1
ENTRYPOINT ["dotnet", "Autopilot.Silo.dll"]
