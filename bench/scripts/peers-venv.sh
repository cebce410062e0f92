# Sourced by the bench scripts: peers_venv ROOT prints the python of the peers' virtual environment
# (bench/target/venv), making it on first use, and again when bench/requirements-peers.txt changed:
#   python3 -m venv bench/target/venv && pip install -r bench/requirements-peers.txt
# pip uses the machine's own configuration (index, find-links); PIP_ARGS adds options (default
# --retries=1, so an unreachable default index costs seconds, not minutes). PYTHON picks the
# interpreter that makes the venv (default python3).
peers_venv() {
  local root="$1" venv="$1/bench/target/venv" req="$1/bench/requirements-peers.txt"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$req" "$venv/requirements-peers.txt"; then
    echo "== making the peers' virtual environment $venv (pip install -r bench/requirements-peers.txt) ..." >&2
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv" >&2
    # shellcheck disable=SC2086
    if ! "$venv/bin/pip" install -q --disable-pip-version-check ${PIP_ARGS:---retries=1} -r "$req" >&2; then
      echo "bench: pip could not install bench/requirements-peers.txt into $venv; see pip's message above" >&2
      return 1
    fi
    cp "$req" "$venv/requirements-peers.txt"
  fi
  echo "$venv/bin/python"
}
