# Redis from Debian's redis-server, for an engine with no registry
# (docker/build-base.sh tags it redis:7.0, the name compose.yaml uses).
# Like the official image: runs as redis in /data, the volume's mount.
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
