#!/usr/bin/env bash
# CPU used by `sparkdeck --demo` left alone in a real terminal (tmux): the monitor should only
# wake for poll results and the once-a-second clock of live durations.
# Usage: benches/idle_cpu.sh [SECONDS] [KEYS]   (builds the release binary first)
#   KEYS are typed once the monitor is up, e.g. `e` to measure with the statement editor open.
set -euo pipefail
seconds="${1:-30}"
keys="${2:-}"
cd "$(dirname "$0")/.."
cargo build --release --quiet
session="sparkdeck-idle-$$"
tmux new-session -d -s "$session" -x 160 -y 45 "target/release/sparkdeck --demo"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
sleep 3
if [ -n "$keys" ]; then
  tmux send-keys -t "$session" "$keys"
  sleep 1
fi
pid="$(pgrep -n -f 'target/release/sparkdeck --demo')"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"
before="$(ticks)"
sleep "$seconds"
after="$(ticks)"
rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" -v rss="$rss" 'BEGIN {
  printf "idle CPU over %d s: %.2f%% of one core (%.2f s); RSS %.1f MB\n", s, 100 * t / hz / s, t / hz, rss / 1024
}'
