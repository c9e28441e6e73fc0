# Sourced by bin/serve and bin/test: a virtualenv in .venv with the project installed.
# EXTRAS=dev installs the test tools too. Also gives both scripts their progress lines.

# "3 min 41 s" for 221 seconds: what the scripts tell the person waiting.
took() {
  if [ "$1" -ge 60 ]; then echo "$(($1 / 60)) min $(($1 % 60)) s"; else echo "$1 s"; fi
}

# One line per step, said before it starts and finished with its time once it has.
step() {
  printf '%s ... ' "$1"
  step_started=$SECONDS
}
step_done() {
  echo "done in $(took $((SECONDS - step_started)))${1:+ ($1)}"
}

# Runs a noisy command with its output added to a log file; shows the end of it only on failure.
quietly() {
  local log=$1
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "failed."
    echo "The last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

python_bin=$(command -v python3.11 || command -v python3)
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Customer Record needs Python 3.11 or newer; found $("$python_bin" --version)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  step "Creating the Python environment in .venv"
  "$python_bin" -m venv .venv
  step_done
fi
# shellcheck disable=SC1091
source .venv/bin/activate

# pip's warnings and progress go to the log: a newcomer needs to see them only if it fails.
step "Installing the packages${EXTRAS:+ and the $EXTRAS tools} (a minute or two the first time)"
pip_install=(python -m pip install --disable-pip-version-check --progress-bar off)
: >.venv/pip.log
quietly .venv/pip.log "${pip_install[@]}" --upgrade pip
quietly .venv/pip.log "${pip_install[@]}" -e ".${EXTRAS:+[$EXTRAS]}"
step_done
