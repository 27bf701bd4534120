# Stand-in for redis:7: Debian bookworm's redis-server from the machine's mirror. Like the public image it accepts
# connections from other containers (protected mode off) and keeps its data in /data.
ARG BASE=autopilot-base/debian:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint.sh
WORKDIR /data
# Like the public image, the server runs as the unprivileged user redis (the Debian package's own).
USER redis
EXPOSE 6379
ENTRYPOINT ["redis-entrypoint.sh"]
CMD ["redis-server"]
