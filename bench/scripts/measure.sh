# Sourced by the bench scripts: whole-process measurements with GNU time.
#
# measure NAME CMD...   runs CMD (one process, or one that execs into one, as bin/sediment does)
#                       under /usr/bin/time; its output goes to $MEASURE_DIR/NAME.log. Sets
#                       M_WALL (seconds, %e), M_KB (peak RSS in KiB, %M), M_CPU (user + sys
#                       seconds), M_RC (exit code) and M_LOAD ("before -> after", 1-minute load).
# wait_quiet            with QUIET_LOAD=X set, waits (at most 15 minutes) until the 1-minute load
#                       average is below X.
# fmt_int N             N with thousands separators.
GNU_TIME=/usr/bin/time
if ! "$GNU_TIME" -f '%e' true >/dev/null 2>&1; then
  echo "bench: GNU time (/usr/bin/time) is needed for wall time and peak RSS (apt-get install time)" >&2
  exit 1
fi

measure() {
  local name="$1" load0 user sys
  shift
  load0=$(cut -d' ' -f1 /proc/loadavg)
  M_RC=0
  "$GNU_TIME" -f '%e %M %U %S' -o "$MEASURE_DIR/$name.time" "$@" >"$MEASURE_DIR/$name.log" 2>&1 || M_RC=$?
  # GNU time puts "Command exited with non-zero status N" first when the command failed.
  read -r M_WALL M_KB user sys < <(tail -n1 "$MEASURE_DIR/$name.time")
  M_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", u + s}')
  M_LOAD="$load0 -> $(cut -d' ' -f1 /proc/loadavg)"
}

wait_quiet() {
  [ -n "${QUIET_LOAD:-}" ] || return 0
  local waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$QUIET_LOAD" 'BEGIN {exit !(l >= q)}'; do
    if [ "$waited" -ge 900 ]; then
      echo "   (load still $(cut -d' ' -f1 /proc/loadavg) after 15 minutes; running anyway)" >&2
      return 0
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

fmt_int() {
  LC_ALL=C printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'
}
