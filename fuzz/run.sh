#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 600) on its seeded corpus with the dictionary, and
# prints one line: target, seconds, executions, executions per second, coverage, crashes.
# Usage: fuzz/run.sh parse|lint|render [SECONDS] [extra libFuzzer flags...]
# Crashes land in fuzz/artifacts/TARGET/; copy each into tests/fuzz-regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}
shift $(( $# > 1 ? 2 : 1 ))
# Each input's cost grows with its length: the renderers draw every snippet, the lint parses
# every byte. These caps keep every target above 500 executions a second on 2 cores.
# parse runs under AddressSanitizer: it drives the vendored libyaml, which is c2rust's unsafe
# code. lint and render hunt panics and broken invariants in safe Rust, where the sanitizer finds
# nothing more and costs 5 to 8 times the executions; they build without it, in a target folder
# of their own so the two builds don't replace each other.
case $target in
  parse) max_len=8192 sanitizer=address ;;
  lint) max_len=4096 sanitizer=none ;;
  render) max_len=2048 sanitizer=none ;;
  *) echo "unknown target $target (parse, lint, render)" >&2; exit 2 ;;
esac
target_dir=target
[ "$sanitizer" = address ] || target_dir=target-$sanitizer
[ -d "corpus/$target" ] || ./seed.sh > /dev/null
mkdir -p "artifacts/$target" logs
log="logs/$target-$(date +%Y%m%dT%H%M%S).log"
RUSTC_BOOTSTRAP=1 cargo fuzz build -s "$sanitizer" --target-dir "$target_dir" "$target" > /dev/null 2>&1
"./$target_dir/x86_64-unknown-linux-gnu/release/$target" "corpus/$target" \
  -dict=kubernetes.dict -max_len="$max_len" -max_total_time="$seconds" \
  -artifact_prefix="artifacts/$target/" -print_final_stats=1 "$@" > "$log" 2>&1 || true
execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
crashes=$(ls "artifacts/$target" | wc -l)
echo "$target seconds=$seconds executions=$execs per_second=$rate coverage=$cov crashes=$crashes log=fuzz/$log"
