#!/usr/bin/env bash
# Installs what building and testing placement needs, only when it is missing:
#   - libsodium-dev and pkg-config (Debian packages), for the CSodium target;
#   - with --test: a Python virtual environment in .venv/ with the interop-test packages
#     listed in scripts/requirements-test.txt.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_env=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test_env=true ;;
    *) echo "bootstrap.sh: unknown option '$arg' (known: --test)" >&2; exit 2 ;;
  esac
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libsodium; then
  echo "bootstrap: installing libsodium-dev and pkg-config" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq libsodium-dev pkg-config >/dev/null
fi

if $want_test_env && ! python3 -m venv --help >/dev/null 2>&1; then
  echo "bootstrap: installing python3 and python3-venv" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq python3 python3-venv >/dev/null
fi

if $want_test_env && [ -s scripts/requirements-test.txt ]; then
  stamp=.venv/.requirements-test.txt
  if ! [ -x .venv/bin/python ] || ! cmp -s scripts/requirements-test.txt "$stamp"; then
    echo "bootstrap: preparing .venv for the interop tests" >&2
    python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
    cp scripts/requirements-test.txt "$stamp"
  fi
fi
