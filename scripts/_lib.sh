# shellcheck shell=bash
# Shared by scripts/build_site.sh and scripts/run_tests.sh (sourced, not run).
# Works on a fresh Debian machine that has only python3: root, or sudo, and apt reachable.

# Run from the repository root whatever the caller's folder.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install the Debian packages that are missing, and only those: apt-get update is slow and
# needs the network, so a machine that has them all never runs it.
apt_install_missing() {
    local missing=() pkg
    for pkg in "$@"; do
        # dpkg -s also answers for removed packages that left config files: read the status.
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    echo "==> apt-get install ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Create .venv if missing and install requirements.txt into it when it changed since the
# last install (a hash stamp inside .venv), so a second run needs no network.
# ARCHIVE_SKIP_INSTALL=1 uses an existing .venv as it is (tests that must not touch the network).
ensure_venv() {
    if [ "${ARCHIVE_SKIP_INSTALL:-0}" = 1 ] && [ -x .venv/bin/python ]; then
        echo "==> ARCHIVE_SKIP_INSTALL=1: using .venv as it is"
        return 0
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv"
        if ! python3 -m venv .venv; then
            # Debian ships venv/ensurepip separately from python3.
            rm -rf .venv
            apt_install_missing python3-venv
            python3 -m venv .venv
        fi
    fi
    local want stamp=.venv/.requirements.sha256
    want="$(sha256sum requirements.txt | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
        echo "==> installing requirements.txt into .venv"
        .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
        echo "$want" > "$stamp"
    fi
}
