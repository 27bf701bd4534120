# Stand-in for prom/prometheus: Debian bookworm's prometheus (2.42) from the machine's mirror. Like the public image it runs
# /bin/prometheus (bookworm merges /bin into /usr/bin) with the arguments it is given and keeps its data in /prometheus.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends prometheus && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /prometheus /etc/prometheus
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
