#!/bin/bash
# Installs what is missing, builds weft, runs every test: cmocka unit tests (meson test),
# every pcap case (tests/pcap/run-all) and every system test (tests/system/*.sh).
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
# Then the same unit tests and pcap cases again on a second build with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang, $BUILD-asan): any sanitizer report fails the test it
# occurs in (a sanitized weft-dataplane that reports exits non-zero, which run-case counts).
# Static analysis (scripts/lint.sh: cppcheck over every C file) is one check: any finding
# fails it. Then, when FUZZ_SECONDS > 0, every libFuzzer harness of tests/fuzz/ for that many seconds
# (tests/fuzz/run; clang, $BUILD-fuzz; one pass/fail per target).
#   BUILD=build   build directory      ONLY=unit|lint|pcap|system|asan|fuzz   run one class
#   FUZZ_SECONDS=30   seconds per fuzz target (7 targets; 0 skips the class)
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
BUILD=${BUILD:-build}
ONLY=${ONLY:-}
pass=0
fail=0
failed=()

./scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

if [ ! -d "$BUILD" ]; then
  meson setup "$BUILD" >/dev/null || { echo "meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C "$BUILD" >"$BUILD.log" 2>&1; then
  tail -n 40 "$BUILD.log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
case "$BUILD" in /*) ABS=$BUILD ;; *) ABS=$TOP/$BUILD ;; esac
export WEFT_BUILD=$ABS PATH=$ABS/cli:$ABS/dataplane:$ABS/ovsdb-lite:$ABS/control:$PATH

count_meson() { # reads meson's testlog.json of the last run
  local r
  r=$(/usr/bin/python3 - "$BUILD/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = 0
names = []
try:
    for line in open(sys.argv[1]):
        t = json.loads(line)
        if t.get("result") in ("OK", "EXPECTEDFAIL"):
            p += 1
        elif t.get("result") == "SKIP":
            f += 1; names.append(t["name"] + "(skipped)")
        else:
            f += 1; names.append(t["name"])
except FileNotFoundError:
    f += 1; names.append("meson-test-log-missing")
print(p, f, " ".join(names))
PY
)
  set -- $r
  pass=$((pass + $1)); fail=$((fail + $2)); shift 2; failed+=("$@")
}

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
  echo "== unit tests"
  rm -f "$BUILD/meson-logs/testlog.json"
  meson test -C "$BUILD" --no-rebuild --suite unit --print-errorlogs >"$BUILD/unit.log" 2>&1
  mrc=$?
  grep -E '^ *[0-9]+/[0-9]+ ' "$BUILD/unit.log" || true
  f0=$fail
  count_meson
  # meson failing without a failed test in its log (setup error, crash) is a failure too.
  if [ $mrc -ne 0 ] && [ $fail -eq $f0 ]; then
    tail -n 20 "$BUILD/unit.log"; fail=$((fail + 1)); failed+=("meson-test(exit $mrc)")
  fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = lint ]; then
  echo "== lint (scripts/lint.sh: cppcheck)"
  if scripts/lint.sh "$BUILD" >"$BUILD/lint.log" 2>&1; then
    echo "PASS lint ($(tail -n 1 "$BUILD/lint.log"))"; pass=$((pass + 1))
  else
    sed 's/^/    /' "$BUILD/lint.log" | tail -n 40
    echo "FAIL lint"; fail=$((fail + 1)); failed+=("lint")
  fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = pcap ]; then
  echo "== pcap cases"
  out=$(tests/pcap/run-all 2>&1); prc=$?; echo "$out"
  p=$(grep -c '^PASS ' <<<"$out" || true); f=$(grep -c '^FAIL ' <<<"$out" || true)
  pass=$((pass + p)); fail=$((fail + f))
  failed+=($(grep '^FAIL ' <<<"$out" | awk '{print "pcap:"$2}'))
  # run-all failing without a FAIL line (no case found, crash) counts as a failure.
  if { [ $prc -ne 0 ] && [ "$f" -eq 0 ]; } || [ "$p" -eq 0 ]; then
    fail=$((fail + 1)); failed+=("pcap:run-all(exit $prc)")
  fi
fi

if [ -z "$ONLY" ] || [ "$ONLY" = system ]; then
  echo "== system tests"
  mkdir -p "$BUILD/system-logs"
  for t in tests/system/*.sh; do
    n=$(basename "$t" .sh)
    case $n in *-lib | lib*) continue ;; esac # sourced helpers, not tests
    if [ ! -x "$t" ]; then
      echo "FAIL $n (not executable)"; fail=$((fail + 1)); failed+=("system:$n"); continue
    fi
    t0=$(date +%s)
    if timeout -k 10 600 "$t" >"$BUILD/system-logs/$n.log" 2>&1; then
      echo "PASS $n ($(( $(date +%s) - t0 ))s)"; pass=$((pass + 1))
    else
      echo "FAIL $n ($(( $(date +%s) - t0 ))s), last lines of $BUILD/system-logs/$n.log:"
      tail -n 25 "$BUILD/system-logs/$n.log" | sed 's/^/    /'
      fail=$((fail + 1)); failed+=("system:$n")
    fi
  done
fi

if [ -z "$ONLY" ] || [ "$ONLY" = asan ]; then
  echo "== sanitizers (address, undefined): unit tests and pcap cases on $BUILD-asan"
  export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  if { [ -d "$BUILD-asan" ] || CC=clang meson setup "$BUILD-asan" -Db_sanitize=address,undefined \
         -Db_lundef=false >"$BUILD-asan.log" 2>&1; } && ninja -C "$BUILD-asan" >>"$BUILD-asan.log" 2>&1; then
    rm -f "$BUILD-asan/meson-logs/testlog.json"
    meson test -C "$BUILD-asan" --no-rebuild --suite unit --print-errorlogs >"$BUILD-asan/unit.log" 2>&1
    mrc=$?
    grep -E '^ *[0-9]+/[0-9]+ ' "$BUILD-asan/unit.log" | grep -v ' OK ' || true
    p0=$pass f0=$fail n0=${#failed[@]}
    BUILD=$BUILD-asan count_meson
    for ((i = n0; i < ${#failed[@]}; i++)); do failed[i]="asan:${failed[i]}"; done
    if [ $mrc -ne 0 ] && [ $fail -eq $f0 ]; then
      tail -n 20 "$BUILD-asan/unit.log"; fail=$((fail + 1)); failed+=("asan:meson-test(exit $mrc)")
    fi
    echo "asan unit tests: $((pass - p0)) passed, $((fail - f0)) failed"
    out=$(WEFT_BUILD=$TOP/$BUILD-asan tests/pcap/run-all 2>&1); prc=$?
    grep -v '^PASS ' <<<"$out" || true
    p=$(grep -c '^PASS ' <<<"$out" || true); f=$(grep -c '^FAIL ' <<<"$out" || true)
    echo "asan pcap cases: $p passed, $f failed"
    pass=$((pass + p)); fail=$((fail + f))
    failed+=($(grep '^FAIL ' <<<"$out" | awk '{print "asan-pcap:"$2}'))
    if { [ $prc -ne 0 ] && [ "$f" -eq 0 ]; } || [ "$p" -eq 0 ]; then
      fail=$((fail + 1)); failed+=("asan-pcap:run-all(exit $prc)")
    fi
  else
    tail -n 40 "$BUILD-asan.log"; echo "sanitizer build failed"
    fail=$((fail + 1)); failed+=("asan:build")
  fi
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
if { [ -z "$ONLY" ] || [ "$ONLY" = fuzz ]; } && [ "$FUZZ_SECONDS" -gt 0 ]; then
  echo "== fuzz: every harness of tests/fuzz for ${FUZZ_SECONDS}s (crashers, corpus, fuzzing)"
  out=$(FUZZ_BUILD=$TOP/$BUILD-fuzz tests/fuzz/run --seconds "$FUZZ_SECONDS" 2>&1); frc=$?
  grep -E '^(PASS|FAIL) fuzz:|^    |^fuzz:' <<<"$out"
  p=$(grep -c '^PASS fuzz:' <<<"$out"); f=$(grep -c '^FAIL fuzz:' <<<"$out")
  pass=$((pass + p)); fail=$((fail + f))
  failed+=($(grep '^FAIL fuzz:' <<<"$out" | awk '{print $2}'))
  if [ $frc -ne 0 ] && [ "$f" -eq 0 ]; then
    tail -n 20 <<<"$out"; fail=$((fail + 1)); failed+=("fuzz:run(exit $frc)")
  fi
fi

[ $fail -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
