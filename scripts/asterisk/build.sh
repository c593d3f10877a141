#!/usr/bin/env bash
# Builds Asterisk from source for the live tests and the demo, and caches the installed prefix outside the clone,
# keyed by version and build flags. Idempotent: a complete cache (marker file) is reused, a partial one is rebuilt.
#
# Source, in this order: $AMI_ASTERISK_TARBALL (a release tarball of your choice, with $AMI_ASTERISK_SHA256 if you
# want it checked), ../shared/asterisk/src/asterisk-$VERSION.tar.gz (sha256 checked against sources.json), or the
# official release download and its published .sha256 when the machine has internet.
# Prints `AMI_ASTERISK_PREFIX=<dir>` as its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
sources="$here/sources.json"
version="${AMI_ASTERISK_VERSION:-$(node -p "require('$sources').default")}"
cache_root="${AMI_ASTERISK_CACHE:-$HOME/.cache/ami-workbench-asterisk}"
configure_flags="$(node -p "require('$sources').configureFlags.join(' ')")"
flags_key="$(printf '%s' "$configure_flags $(node -p "require('$sources').menuselect.join(' ')")" | sha256sum | cut -c1-12)"
prefix="$cache_root/asterisk-$version-$flags_key"
marker="$prefix/.complete"
work=""

log() { echo "[asterisk] $*" >&2; }

install_apt_packages() {
  local missing=()
  for pkg in $(node -p "require('$sources').aptPackages.join(' ')"); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      log "missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >&2
}

# Finds the tarball and checks it; prints its path.
obtain_tarball() {
  local work="$1"
  if [ -n "${AMI_ASTERISK_TARBALL:-}" ]; then
    [ -f "$AMI_ASTERISK_TARBALL" ] || { log "AMI_ASTERISK_TARBALL=$AMI_ASTERISK_TARBALL is not a file"; exit 1; }
    if [ -n "${AMI_ASTERISK_SHA256:-}" ]; then check_sha "$AMI_ASTERISK_TARBALL" "$AMI_ASTERISK_SHA256"; fi
    echo "$AMI_ASTERISK_TARBALL"; return 0
  fi
  local shared="$repo/../shared/asterisk/src/asterisk-$version.tar.gz"
  if [ -f "$shared" ]; then
    check_sha "$shared" "$(node -p "(require('$sources').tarballs['$version']||{}).sha256||''")"
    echo "$shared"; return 0
  fi
  local url="https://downloads.asterisk.org/pub/telephony/asterisk/releases/asterisk-$version.tar.gz"
  log "no local tarball for $version: downloading $url"
  curl -fsSL --retry 2 -o "$work/asterisk.tar.gz" "$url" ||
    { log "download failed. Set AMI_ASTERISK_TARBALL to a release tarball, or put it at $shared"; exit 1; }
  local published
  published="$(curl -fsSL "$url.sha256" | awk '{print $1}')" || { log "no published checksum at $url.sha256"; exit 1; }
  check_sha "$work/asterisk.tar.gz" "$published"
  echo "$work/asterisk.tar.gz"
}

check_sha() {
  local file="$1" expected="$2"
  [ -n "$expected" ] || { log "no known sha256 for $file: refusing to build an unchecked tarball"; exit 1; }
  local actual
  actual="$(sha256sum "$file" | cut -d' ' -f1)"
  [ "$actual" = "$expected" ] || { log "sha256 mismatch for $file: expected $expected, got $actual"; exit 1; }
  log "sha256 ok: $(basename "$file")"
}

build() {
  if [ -f "$marker" ]; then log "cached: $prefix"; return 0; fi
  local started=$SECONDS
  # Global: the EXIT trap runs after this function has returned.
  work="$(mktemp -d "${TMPDIR:-/tmp}/ami-asterisk-build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  local tarball
  tarball="$(obtain_tarball "$work")"
  log "building Asterisk $version into $prefix (a few minutes on 2 cores)"
  rm -rf "$prefix"
  tar -xzf "$tarball" -C "$work"
  local src="$work/asterisk-$version"
  [ -d "$src" ] || { log "the tarball has no asterisk-$version/ folder"; exit 1; }
  (
    cd "$src"
    # shellcheck disable=SC2086
    ./configure --prefix="$prefix" $configure_flags >"$work/configure.log" 2>&1 ||
      { tail -30 "$work/configure.log" >&2; exit 1; }
    make menuselect.makeopts >"$work/menuselect.log" 2>&1
    # shellcheck disable=SC2046
    menuselect/menuselect $(node -p "require('$sources').menuselect.join(' ')") menuselect.makeopts >>"$work/menuselect.log" 2>&1
    make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
    make install >"$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; exit 1; }
  )
  [ -x "$prefix/sbin/asterisk" ] || { log "install did not produce $prefix/sbin/asterisk"; exit 1; }
  date -u +%FT%TZ > "$marker"
  log "built in $((SECONDS - started)) s"
}

# One build at a time per cache (parallel cold runs would delete each other's work).
mkdir -p "$cache_root"
exec 9>"$cache_root/.build.lock"
flock 9
install_apt_packages
build
echo "AMI_ASTERISK_PREFIX=$prefix"
