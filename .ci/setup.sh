#!/usr/bin/env bash
# Set-up and entry point used by the README's two commands and by CI:
#   bash .ci/setup.sh run  [terminal args…]   installs what is missing, opens the terminal
#   bash .ci/setup.sh test [pytest args…]     installs what is missing, runs ruff, mypy, pytest
# It checks Qt's system libraries and a C compiler (installing them with apt when it can),
# creates or refreshes .venv from pyproject.toml (re-installing, which also recompiles the
# quote cutter, only when pyproject.toml, setup.py or the cutter's source changed).
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's runtime libraries, a font with Chinese glyphs (instrument names), and a C compiler
# for the compiled quote cutter (terminal/adapters/quotes/_cut.pyx).
SYSTEM_PACKAGES=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
                 fonts-wqy-microhei gcc libc6-dev)

check_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "setup: not a Debian-like system; make sure Qt 6's runtime libraries are installed" >&2
        return 0
    fi
    local missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local line="apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup: installing system packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $line -qq
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        echo "setup: installing system packages: ${missing[*]}"
        sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive $line -qq
    else
        echo "setup: Qt needs system packages that are missing. Install them with:" >&2
        echo "  sudo $line" >&2
        exit 1
    fi
}

ensure_venv() {
    local python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "setup: Python 3.11 or newer is needed ($python is $("$python" -V 2>&1))" >&2
        exit 1
    fi
    [ -x .venv/bin/python ] || "$python" -m venv .venv
    local stamp
    stamp=".venv/.installed-$(cat pyproject.toml setup.py terminal/adapters/quotes/_cut.pyx \
        | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "setup: installing Python packages into .venv (first run takes a minute)"
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e ".[test]"
        rm -f .venv/.installed-*
        touch "$stamp"
    fi
}

command="${1:-run}"
shift || true
check_system_packages
ensure_venv
case "$command" in
    run)
        exec .venv/bin/terminal "$@"
        ;;
    test)
        export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
        echo "== ruff"; .venv/bin/ruff check terminal plugins tests
        echo "== mypy"; .venv/bin/mypy
        echo "== pytest"; exec .venv/bin/pytest -q "$@"
        ;;
    *)
        echo "usage: bash .ci/setup.sh run|test [args…]" >&2
        exit 2
        ;;
esac
