# Sourced by bin/serve and bin/test: a virtualenv in .venv with the project installed.
# EXTRAS=dev installs the test tools too.
python_bin=$(command -v python3.11 || command -v python3)
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Customer Record needs Python 3.11 or newer; found $("$python_bin" --version)." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
# shellcheck disable=SC1091
source .venv/bin/activate
python -m pip install --quiet --disable-pip-version-check --upgrade pip
python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
