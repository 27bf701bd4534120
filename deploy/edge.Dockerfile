# The edge image: nginx supervised by the edge (dotnet Autopilot.Edge.dll, the same program the local stack runs),
# both as a non-root user; nginx listens on 8080, the edge's status on 8070.
# Build from the repository root: docker build -f deploy/edge.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Edge -c Release -o /out --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends nginx curl && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/run/edge && chown app /var/run/edge
WORKDIR /app
COPY --from=build /out .
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8070 \
    Edge__Mode=nginx \
    Edge__Listen=0.0.0.0:8080 \
    Edge__RunDirectory=/var/run/edge
EXPOSE 8080 8070
HEALTHCHECK --interval=5s --timeout=2s --start-period=20s --retries=3 CMD curl -fsS http://127.0.0.1:8070/health/ready || exit 1
ENTRYPOINT ["dotnet", "Autopilot.Edge.dll"]
