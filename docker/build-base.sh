#!/bin/sh
# Makes, from Debian's packages alone, the images docker/compose.yaml and
# docker/Dockerfile start from, for a Docker engine that cannot reach a
# registry: debian:12 and debian:12-slim (debootstrap --variant=minbase
# bookworm, then docker import) and redis:7.0 (Debian's redis-server on
# that base, docker/redis.Dockerfile).  An image already present is kept,
# so a machine that pulled the real ones uses those.
#   docker/build-base.sh            (root: debootstrap needs it)
#   KEEL_DEBIAN_MIRROR=http://...   the mirror (default deb.debian.org)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
mirror=${KEEL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have debian:12 || ! have debian:12-slim; then
	if ! command -v debootstrap >/dev/null 2>&1; then
		echo "keel: installing debootstrap"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends debootstrap >/dev/null
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "keel: debootstrap --variant=minbase bookworm from $mirror"
	debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" \
		>"$tmp/debootstrap.log" 2>&1 || {
		tail -20 "$tmp/debootstrap.log" >&2
		exit 1
	}
	r=$tmp/rootfs
	# what an image does not need: the downloaded packages and lists
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
	import() {
		tar -C "$r" -c . |
			docker import -c 'CMD ["bash"]' \
				-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
				- "$1" >/dev/null
	}
	import debian:12
	# -slim, as Debian's own: no manuals, documentation (but the
	# copyrights) or translations, now or in what apt installs later
	cat >"$r/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
	find "$r/usr/share/doc" -mindepth 1 ! -name copyright ! -type d \
		-delete 2>/dev/null || true
	rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* \
		"$r"/usr/share/locale/* "$r"/usr/share/lintian/*
	import debian:12-slim
	echo "keel: debian:12 and debian:12-slim imported"
fi
if ! have redis:7.0; then
	log=$(mktemp)
	docker build -t redis:7.0 -f "$root/docker/redis.Dockerfile" \
		"$root/docker" >"$log" 2>&1 || {
		tail -20 "$log" >&2
		rm -f "$log"
		exit 1
	}
	rm -f "$log"
	echo "keel: redis:7.0 built from Debian's redis-server"
fi
