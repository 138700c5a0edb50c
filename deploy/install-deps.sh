#!/bin/sh
# Installs the Debian 12 packages Keel needs to build, run and test, and
# only the missing ones.  Runs as root, or through sudo.
set -eu

pkgs="gcc make cmake pkg-config libnng-dev libmsgpack-dev libhiredis-dev
libsystemd-dev redis-server perl systemd docker-compose clang
libclang-rt-14-dev"
# keel-billing draws invoice PDFs with cairo; tests read them back with poppler.
pkgs="$pkgs libcairo2-dev poppler-utils fonts-dejavu-core"
# keel-notify sends with libcurl and signs with OpenSSL; its tests run a real
# SMTP server (aiosmtpd) and make certificates with openssl.
pkgs="$pkgs libcurl4-openssl-dev libssl-dev python3-aiosmtpd openssl curl"
# keel-gateway serves HTTP with libmicrohttpd and reads JSON with jansson;
# its client examples run under python3 (standard library only).
pkgs="$pkgs libmicrohttpd-dev libjansson-dev python3"
# keelctl prints the monthly report to PDF with headless Chromium; the tests
# render the report's page with it.
pkgs="$pkgs chromium"
# tests/hosts: Redis across hosts behind spiped; the compose test makes its
# base images with debootstrap.
pkgs="$pkgs spiped debootstrap iproute2"
# make bench draws its chart with gnuplot.
[ "${KEEL_WITH_BENCH:-}" ] && pkgs="$pkgs gnuplot-nox"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "keel: need root or sudo to install:$missing" >&2
		exit 1
	fi
	SUDO=sudo
fi
echo "keel: installing Debian packages:$missing"
$SUDO apt-get update -qq
# No recommends: docker-compose would pull a Docker engine we do not use.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	--no-install-recommends $missing
