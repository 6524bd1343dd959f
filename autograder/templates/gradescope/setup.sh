#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. It installs the
# grader into a virtual environment of its own: the system python3 belongs to Gradescope's
# harness and is never changed. Grading needs numpy only (no torch, nbgrader or Jupyter):
# every expected value was computed when the zip was built (bundle/).
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${AUTOGRADER_VENV:-/opt/backprop-autograder/venv}"  # AUTOGRADER_VENV: for the project's tests only
PIP=(--disable-pip-version-check --no-cache-dir -q)

apt_install() {  # optional packages: a failure is reported, never fatal here
    command -v apt-get >/dev/null || return 1
    apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "setup: python3 is older than 3.10" >&2; exit 1; }
# bubblewrap gives the strongest protection where it can run; without it (or where Docker
# forbids its namespaces) the grader uses the container level, which needs nothing installed.
command -v bwrap >/dev/null || apt_install bubblewrap || echo "setup: bubblewrap not installed: grading will use the container level"

rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
if ! python3 -m venv "$VENV" >/dev/null 2>&1; then  # Ubuntu's python3 needs python3-venv for ensurepip
    rm -rf "$VENV"
    version="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt_install "python$version-venv" || apt_install python3-venv || { echo "setup: cannot install python3-venv" >&2; exit 1; }
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install "${PIP[@]}" -r "$SOURCE/requirements.txt"
"$VENV/bin/python" -m pip install "${PIP[@]}" --no-deps "$SOURCE"/backprop_autograder-*.whl
chmod -R a+rX "$VENV"  # student code runs this interpreter under an unprivileged uid
# The bundle holds the graded cases and their signing key: root only, from now on.
chmod -R go-rwx "$SOURCE"
# Fail the build now rather than at the first submission: the bundle must load with numpy alone.
"$VENV/bin/autograder" run-gradescope --root "$(dirname "$SOURCE")" --check-bundle
