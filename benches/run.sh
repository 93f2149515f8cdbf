#!/usr/bin/env bash
# Every benchmark of sparkdeck, on the simulator, side by side with the anchors (htop, the
# official Python databricks-sdk, a naive 1-second Livy loop); writes BENCHMARKS.md.
#
#   benches/run.sh           the full run (about 20 minutes on 2 cores), writes BENCHMARKS.md
#   benches/run.sh --quick   each benchmark once, briefly (CI: they build and run; nothing written)
#
# Needs tmux, python3 and the databricks-sdk (tests/conformance/requirements.txt); htop is
# measured when installed. SPARKDECK_BIN measures another build (its simulator is used too,
# unless SPARKDECK_SIM_BIN names a newer one: older simulators cannot say when a client saw a
# result). Figures land in target/bench/*.json; BENCHMARKS.md is made from them and
# benches/notes.md.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1:-}" = "--quick" ] && quick=true

if $quick; then
  # The debug build the tests already made: this proves the benchmarks build and run.
  cargo build --locked --quiet
  export SPARKDECK_BIN="${SPARKDECK_BIN:-$PWD/target/debug/sparkdeck}" BENCH_LABEL=quick
  cargo test --locked --quiet --bench monitor -- --quick
  python3 benches/idle_cpu.py 2
  python3 benches/request_rate.py 3 2 6
  python3 benches/statements.py 2
  python3 benches/listing.py 1
  python3 benches/first_frame.py 1
  echo "benches: quick run ok"
  exit 0
fi
cargo build --release --locked --quiet
# CPU and latency figures run one after another, so they do not disturb each other.
python3 benches/idle_cpu.py 60
python3 benches/request_rate.py 60 20 120
python3 benches/statements.py 50
python3 benches/listing.py 5
python3 benches/first_frame.py 20
cargo bench --locked --bench monitor
python3 benches/report.py > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
