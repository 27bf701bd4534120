# Stand-in for hashicorp/consul: Debian's consul 1.8.7 (bullseye, installed by scripts/install-consul.sh) on Debian from the
# machine's mirror. Like the public image it runs as the user consul, takes the agent's arguments as its command and keeps data in /consul/data.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
COPY consul /usr/local/bin/consul
# Like the public image, the agent runs as the unprivileged user consul (it binds no port below 1024).
RUN groupadd --system consul && useradd --system --gid consul --home-dir /consul consul \
    && mkdir -p /consul/data && chown -R consul:consul /consul
USER consul
EXPOSE 8500 8300 8301 8302
ENTRYPOINT ["consul"]
CMD ["agent", "-dev", "-client", "0.0.0.0"]
