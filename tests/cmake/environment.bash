# Environment failures are not candidate failures (issue 16, item 12): the compiler's disk fills
# up once candidates start building. The tune stops with the environment's error instead of
# recording failed candidates, records nothing in the wisdom, and once the disk is free again
# the next tune (no --force) evaluates those points.
source "$(dirname "$0")/lib.bash"

# The faults project's compiler is this wrapper: while $T/armed exists, the first compile of a
# candidate (its injected header defines KEVOLVE_TUNED_...) fills the disk ($T/disk-full), and
# from then on every compile fails as a full disk makes it fail, the defaults' too.
real_cxx=$(command -v c++ || command -v g++) || { echo "no C++ compiler: skipped"; exit 77; }
cat >"$T/cxx" <<WRAPPER
#!/bin/sh
previous=
for argument in "\$@"; do
  if [ "\$previous" = -include ] && [ -e "$T/armed" ] && grep -q KEVOLVE_TUNED "\$argument" 2>/dev/null; then
    touch "$T/disk-full"
  fi
  previous=\$argument
done
if [ -e "$T/disk-full" ]; then
  echo "fatal error: error writing to /tmp/ccX.s: No space left on device" >&2
  exit 1
fi
exec "$real_cxx" "\$@"
WRAPPER
chmod +x "$T/cxx"

project faults package -DCMAKE_CXX_COMPILER="$T/cxx"
B=$T/faults-build
KEVOLVE_CLI=$(kevolve_of faults)
K=$T/faults/.kevolve

describe "the disk fills up after the defaults have built: the tune stops with the environment's error"
touch "$T/armed"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}"
expect_status 1
[ -e "$T/disk-full" ] || fail "no candidate was compiled"
expect_err "slow: failed: the environment fails, not the candidates: no space left on device"
expect_err "error writing to /tmp/ccX.s: No space left on device"
expect_err "fix the environment and run kevolve tune again"
log=$(echo "$K"/trials/slow/*.jsonl)
grep -q '"message":"the defaults"' "$log" || fail "the defaults' evaluation is not in the trial log"
if grep -q '"status":"compile_error"' "$log"; then fail "environment failures recorded as candidates' failures: $(cat "$log")"; fi
grep -q '"status":"environment_error"' "$log" || fail "no environment_error in the trial log: $(cat "$log")"
[ ! -e "$K/slow" ] || fail "wisdom was written for a unit whose tune the environment stopped"

describe "the defaults fail to build for the same reason: the environment is named again"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}"
expect_status 1
expect_err "slow: failed: the environment fails, not the unit: no space left on device"
expect_err "the defaults do not build"
if grep -q '"status":"compile_error"' "$log"; then fail "a compile_error was recorded"; fi

describe "the unit is not up to date"
run "$KEVOLVE_CLI" status -B "$B"
expect_status 0
grep -q "slow .* missing" "$T/out" || fail "status does not say the unit is missing"

describe "the disk is free again: the next tune (no --force) evaluates those points and succeeds"
rm -f "$T/armed" "$T/disk-full"
run "$KEVOLVE_CLI" tune -B "$B" --unit slow "${QUICK[@]}"
expect_status 0
expect_err "resuming after 1 from the trial log"  # the defaults only: the failures are retried
ok_points=$(grep '"status":"ok"' "$log" | grep -o '"params":{[^}]*}' | sort -u | wc -l)
[ "$ok_points" -eq 8 ] || fail "$ok_points of the 8 points evaluated correctly: $(cat "$log")"
[ -f "$K"/slow/*.json ] || fail "no wisdom after the environment was fixed"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0
expect_out "0 errors"
echo "ok"
