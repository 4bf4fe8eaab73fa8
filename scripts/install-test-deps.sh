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
    say "installing Debian packages: ${missing[*]}"
    apt=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
    # Finish any interrupted configuration first, or apt refuses to work.
    $SUDO env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >/dev/null 2>&1 || true
    "${apt[@]}" update -qq || die "apt-get update failed (network or sources.list?); see the output above"
    "${apt[@]}" install --reinstall --no-install-recommends "${missing[@]}" ||
      die "apt-get install failed for: ${missing[*]} (see the output above)"
  fi
fi

# --- npm --------------------------------------------------------------------
command -v npm >/dev/null || die "npm not found: install Node.js 20 and npm (Debian: apt-get install nodejs npm)"
# npm ci rewrites node_modules from scratch (tens of seconds), so it runs only
# when the lock file changed since the last successful install.
stamp=node_modules/.hiwl-installed
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
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
