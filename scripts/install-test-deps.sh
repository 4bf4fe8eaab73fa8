#!/usr/bin/env bash
# install-test-deps.sh: everything `make test` needs besides Go, installed
# once and checked quickly afterwards (make test runs it every time, so it
# must be idempotent and cheap when nothing is missing).
#
#   Debian packages  Chromium (wasm page tests), Xvfb (viewer window), the
#                    GL/X11 headers ebiten's cgo build needs
#   npm ci           playwright-core, wrangler/workerd, onnxruntime-node/web
#                    (package.json; install scripts per its allowScripts)
#   go mod download  every module in go.sum (the root's and catalogue/'s)
#
# Nothing here is needed by `make run`, which needs only Go.
#
# Environment: HIWL_SKIP_APT=1 skips the Debian step (a machine that has
# the packages by other means); SUDO= overrides how root is gained.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'install-test-deps: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The list is also the documentation of what the tests need; .ci/run uses
# this script, so there is one list.
apt_packages=(
  chromium                                       # wasm page tests (headless, /usr/bin/chromium)
  xvfb xauth libgl1-mesa-dri                     # viewer window under Xvfb
  gcc libc6-dev libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev
  libxrandr-dev libxxf86vm-dev libasound2-dev pkg-config  # ebiten (cgo)
)

# --- Debian packages -------------------------------------------------------
if [[ "${HIWL_SKIP_APT:-}" != 1 ]]; then
  missing=()
  for p in "${apt_packages[@]}"; do
    # "install ok installed" only: half-installed or unpacked packages (an
    # interrupted earlier install) count as missing and are reinstalled.
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null ||
      die "missing Debian packages (${missing[*]}) and no apt-get here; install their equivalents, then rerun (HIWL_SKIP_APT=1 skips this check)"
    if [[ -z "${SUDO+set}" ]]; then
      SUDO=
      if ((EUID != 0)); then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
          SUDO="sudo -n"
        else
          die "missing Debian packages: ${missing[*]}
  installing them needs root. Run as root (or with passwordless sudo):
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}
  then run make test again."
        fi
      fi
    fi
    # apt's own output (progress, debconf notes, ~180 lines on a fresh
    # machine) goes to a log; the terminal gets one line, or the log's
    # tail when something fails.
    mkdir -p out
    log=out/install-test-deps-apt.log
    : >"$log"
    say "installing Debian packages (${missing[*]}) and what they need; apt's output: $log"
    apt_log() { # apt_log WHAT CMD...: CMD's output into the log; on failure, its tail and exit
      local what=$1
      shift
      if ! "$@" >>"$log" 2>&1; then
        say "$what failed; the last lines of $log:"
        tail -n 25 "$log" | sed 's/^/  | /' >&2
        exit 1
      fi
    }
    apt=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
    t0=$SECONDS
    # Finish any interrupted configuration first, or apt refuses to work.
    $SUDO env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >>"$log" 2>&1 || true
    apt_log "apt-get update (network or sources.list?)" "${apt[@]}" update
    apt_log "apt-get install" "${apt[@]}" install --reinstall --no-install-recommends "${missing[@]}"
    # "Setting up p (version) ..." once per package apt installed, the
    # dependencies included; the size is apt's own estimate.
    n=$(grep -c '^Setting up ' "$log" || true)
    size=$(sed -n 's/^After this operation, \(.*\) of additional disk space will be used\./\1/p' "$log" | tail -n 1)
    say "Debian: $n packages installed${size:+ ($size on disk)} in $((SECONDS - t0)) s"
  fi
fi

# --- npm --------------------------------------------------------------------
command -v npm >/dev/null || die "npm not found: install Node.js 20 and npm (Debian: apt-get install nodejs npm)"
# npm ci rewrites node_modules from scratch (tens of seconds), so it runs only
# when the lock file changed since the last successful install.
stamp=node_modules/.hiwl-installed
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
# lock_installed: every package the lock file names is in node_modules at
# its version. A node_modules shared by several checkouts (worktrees whose
# lock files differ by a package one of them added) then satisfies each of
# them, instead of each npm ci undoing the other's.
lock_installed() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    for (const [path, p] of Object.entries(lock)) {
      if (!path || p.link || p.optional) continue;
      try {
        if (JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version !== p.version) process.exit(1);
      } catch { process.exit(1); }
    }' 2>/dev/null
}
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]] && ! lock_installed; then
  # npm ci empties node_modules first and replaces a link with a folder: on
  # a link to a node_modules other checkouts share, that would pull it from
  # under their running tests.
  [[ -L node_modules ]] && die "node_modules is a link to $(readlink -f node_modules), which lacks packages package-lock.json names; install them there (npm ci in the checkout that owns it), not through the link"
  say "npm ci (package-lock.json)"
  # onnxruntime-node's install script would download CUDA libraries; its CPU
  # library ships in the package. package.json's allowScripts denies it too.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error ||
    die "npm ci failed (network to the npm registry?); see the output above"
  printf '%s\n' "$want" > "$stamp.tmp" && mv "$stamp.tmp" "$stamp"
fi

# --- Go modules ---------------------------------------------------------------
go mod download || die "go mod download failed (network to the Go module proxy?)"
# catalogue/ is a module of its own (Apache Beam's modules stay out of the root's).
(cd catalogue && go mod download) || die "go mod download in catalogue/ failed (network to the Go module proxy?)"
