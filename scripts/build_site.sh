#!/usr/bin/env bash
# Build the site into site/ (set-up command 1 of 2; see README.md).
#
#   bash scripts/build_site.sh [build options…]     e.g. --strict, --site-dir DIR, --no-cache
#
# Creates .venv and installs requirements.txt when needed, then runs
# `python -m build_tools build` with the given options.
set -euo pipefail
# shellcheck source=scripts/_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

ensure_venv
# .doc files are converted by LibreOffice; everything else needs only Python packages.
if [ -n "$(find reports -iname '*.doc' -print -quit 2>/dev/null)" ]; then
    apt_install_missing libreoffice-writer-nogui
fi
.venv/bin/python -m build_tools build "$@"
echo
echo "Serve it:  .venv/bin/python -m http.server --directory site 8000   then open http://127.0.0.1:8000/"
