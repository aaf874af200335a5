#!/bin/bash
# Static analysis of every C file of the project with cppcheck (Debian package, scripts/deps.sh).
#
#   scripts/lint.sh [BUILD]        (default: build; needs BUILD/compile_commands.json)
#
# 1. every file of BUILD/compile_commands.json that is in the source tree (files meson
#    generates into BUILD are skipped), with the flags meson compiles it with;
# 2. the C files no default build compiles: the libFuzzer harnesses (tests/fuzz/*/*.c, built
#    only with -Dfuzz=true) and the XDP program (vxlan/xdp/*.bpf.c, clang -target bpf), with the
#    project's include folders.
# A git-tracked .c file in neither list fails the run (a new file must be linted too).
# Checks: cppcheck's default (errors) plus warning, portability, performance. Suppressions are
# inline only (`/* cppcheck-suppress ID */` on the line above, with a comment saying why it is
# a false positive); there is no suppressions file. jansson.h and libbpf_common.h are forced
# in (--include) because cppcheck does not read system headers and would otherwise stop at
# their iteration macros (json_object_foreach, LIBBPF_OPTS) and skip the file.
# Prints every finding as FILE:LINE: severity:id: message, then "lint: N findings"; exit 0
# only with none. About 40 s on 2 cores (cached per file in BUILD/cppcheck-cache afterwards).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
BUILD=${1:-build}
DB=$BUILD/compile_commands.json
command -v cppcheck >/dev/null || { echo "lint: cppcheck is not installed (scripts/deps.sh)" >&2; exit 2; }
[ -f "$DB" ] || { echo "lint: $DB missing (meson setup $BUILD)" >&2; exit 2; }
BUILD_ABS=$(cd "$BUILD" && pwd)
cache=$BUILD_ABS/cppcheck-cache
mkdir -p "$cache"
out=$(mktemp /tmp/weft-lint.XXXXXX)
trap 'rm -f "$out" "$out.files"' EXIT

common=(--enable=warning,portability,performance --inline-suppr --quiet --error-exitcode=0
        --template='{file}:{line}: {severity}:{id}: {message}' --suppress='*:/usr/include/*')

# Which tracked .c files the compile database covers; the others must be in list 2.
python3 - "$DB" >"$out.files" <<'EOF' || { echo "lint: cannot read $DB" >&2; exit 2; }
import json, os, sys
for e in json.load(open(sys.argv[1])):
    print(os.path.relpath(os.path.normpath(os.path.join(e["directory"], e["file"]))))
EOF
extra=(tests/fuzz/*/*.c vxlan/xdp/*.bpf.c)
missing=()
while read -r f; do
  grep -qxF "$f" "$out.files" && continue
  printf '%s\n' "${extra[@]}" | grep -qxF "$f" && continue
  missing+=("$f")
done < <(git ls-files '*.c')

nice -n 5 cppcheck --project="$DB" -i "$BUILD_ABS" -j "${LINT_JOBS:-2}" \
  --cppcheck-build-dir="$cache" --include=/usr/include/jansson.h \
  --include=/usr/include/bpf/libbpf_common.h "${common[@]}" 2>>"$out"
rc1=$?
incs=()
for d in dataplane ovsdb-lite cli control flow vxlan util; do incs+=(-I"$d"); done
nice -n 5 cppcheck "${incs[@]}" --include=/usr/include/jansson.h -DWEFT_SCHEMA='"schema"' \
  "${common[@]}" tests/fuzz/*/*.c 2>>"$out"
rc2=$?
nice -n 5 cppcheck --include=/usr/include/bpf/bpf_helpers.h "${common[@]}" \
  vxlan/xdp/*.bpf.c 2>>"$out"
rc3=$?

n=$(grep -c . "$out")  # every line cppcheck prints is a finding
cat "$out"
for f in "${missing[@]}"; do
  echo "$f: not linted: in no compile database and not in scripts/lint.sh's extra list"
  n=$((n + 1))
done
if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] || [ $rc3 -ne 0 ]; then
  echo "lint: cppcheck failed (exit $rc1 $rc2 $rc3)"
  n=$((n + 1))
fi
echo "lint: $n findings"
[ "$n" -eq 0 ]
