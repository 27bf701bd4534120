# Stand-in for hashicorp/consul: Debian's consul 1.8.7 (bullseye, installed by scripts/install-consul.sh) on Debian from the
# machine's mirror. Like the public image it takes the agent's arguments as its command and keeps data in /consul/data.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
COPY consul /usr/local/bin/consul
RUN mkdir -p /consul/data
EXPOSE 8500 8300 8301 8302
ENTRYPOINT ["consul"]
CMD ["agent", "-dev", "-client", "0.0.0.0"]
