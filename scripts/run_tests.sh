#!/usr/bin/env bash
# Run the test suite (set-up command 2 of 2; see README.md).
#
#   bash scripts/run_tests.sh [pytest options…]     e.g. tests/test_add.py -k duplicate
#
# Installs the Debian packages the tests need when missing, creates .venv and installs
# requirements.txt when needed, then runs pytest with the given options.
set -euo pipefail
# shellcheck source=scripts/_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

# chromium + fonts-noto-cjk: browser tests render Chinese pages in headless Chromium.
# libreoffice-writer-nogui: .doc reading; poppler-utils: PDF fixtures.
# git: the CI-steps test clones the repository; shellcheck: actionlint checks run: scripts with it.
apt_install_missing chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils git shellcheck
ensure_venv

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
