# Per-source injection (issue 20, item 2; docs/cmake.md, "What is injected where"): a target of
# six sources, unit alpha in alpha.cpp (show_alpha.cpp reads its parameter), unit beta in
# beta.cpp. A new winner recompiles exactly the sources that reach its unit, with Ninja and with
# Makefiles; `apply -o -` still prints one header with every unit.
source "$(dirname "$0")/lib.bash"

project inject package
B=$T/inject-build
KEVOLVE_CLI=$(kevolve_of inject)
K=$T/inject/.kevolve

# The objects a build compiled, sorted, one a line: "alpha.cpp show_alpha.cpp".
compiled() { grep -o 'Building CXX object [^ ]*' | sed 's|.*/||; s|\.o$||' | sort | tr '\n' ' ' | sed 's/ $//'; }
# Flips unit $1's recorded winner for parameter $2 between 1 and 2.
flip() {
  python3 - "$K/$1" "$2" <<'PY'
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    w = json.load(open(path))
    best = w["records"][0]["best"]
    best[sys.argv[2]] = 3 - best[sys.argv[2]]
    json.dump(w, open(path, "w"), indent=2)
    print(best[sys.argv[2]])
PY
}

describe "the first build, then tuning both units"
run "$CMAKE" --build "$B"
expect_status 0
run "$KEVOLVE_CLI" tune -B "$B" "${QUICK[@]}"
expect_status 0
for unit in alpha beta; do ls "$K/$unit"/*.json >/dev/null 2>&1 || fail "no wisdom for $unit: $(ls -R "$K")"; done
run "$CMAKE" --build "$B"
expect_status 0

describe "each source has its own header with only the units it reaches"
header=$(grep -l "units that .*/alpha.cpp reaches" "$B"/kevolve/app/injected/*/kevolve_tuned.h)
grep -q KEVOLVE_TUNED_alpha_A "$header" || fail "alpha.cpp's header lacks alpha: $(cat "$header")"
if grep -q KEVOLVE_TUNED_beta "$header"; then fail "alpha.cpp's header has beta: $(cat "$header")"; fi
plain=$(grep -l "/plain_one.cpp reaches" "$B"/kevolve/app/injected/*/kevolve_tuned.h)
if grep -q '#define' "$plain"; then fail "plain_one.cpp's header injects: $(cat "$plain")"; fi
grep -q KEVOLVE_TUNED_beta_B "$B/kevolve/app/kevolve_all_units.h" || fail "the all-units header lacks beta"

describe "a no-op rebuild compiles nothing"
run "$CMAKE" --build "$B"
expect_status 0
[ -z "$(compiled <"$T/out")" ] || fail "a no-op rebuild compiled: $(compiled <"$T/out")"

describe "a new winner of beta recompiles beta.cpp alone"
b=$(flip beta B)
run "$CMAKE" --build "$B"
expect_status 0
[ "$(compiled <"$T/out")" = "beta.cpp" ] || fail "expected beta.cpp, compiled: $(compiled <"$T/out")"
run "$B/app"
expect_out "B=$b"

describe "a new winner of alpha recompiles alpha.cpp and show_alpha.cpp, which reads its parameter"
a=$(flip alpha A)
run "$CMAKE" --build "$B"
expect_status 0
[ "$(compiled <"$T/out")" = "alpha.cpp show_alpha.cpp" ] ||
  fail "expected alpha.cpp show_alpha.cpp, compiled: $(compiled <"$T/out")"
run "$B/app"
expect_out "A=$a"

describe "apply -o - still prints one header with every unit"
run "$KEVOLVE_CLI" apply -B "$B" --target app -o -
expect_status 0
expect_out "#define KEVOLVE_TUNED_alpha_A ~, $a"
expect_out "#define KEVOLVE_TUNED_beta_B ~, $b"

describe "Makefiles: the same, a new winner of beta recompiles beta.cpp alone"
M=$T/inject-make
run "$CMAKE" -S "$T/inject" -B "$M" -G "Unix Makefiles" -DCMAKE_PREFIX_PATH="$T/prefix"
expect_status 0
run "$CMAKE" --build "$M"
expect_status 0
run "$CMAKE" --build "$M"
expect_status 0
[ -z "$(compiled <"$T/out")" ] || fail "a no-op rebuild compiled: $(compiled <"$T/out")"
b=$(flip beta B)
run "$CMAKE" --build "$M"
expect_status 0
[ "$(compiled <"$T/out")" = "beta.cpp" ] || fail "expected beta.cpp, compiled: $(compiled <"$T/out")"
run "$M/app"
expect_out "B=$b"

echo "ok"
