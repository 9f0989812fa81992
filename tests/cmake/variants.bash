# Code variants shipped through the build (issue 18, items 5-6), on one tiny kernel whose wisdom
# and variant files the test writes (tests/cmake/variants/record.py), nothing tuned: the build
# compiles the variant in place of the original kernel through a wrapper; a tampered, missing,
# stale or uncompilable variant is refused with a warning naming it, and the original kernel is
# built with the original's best; adopt rewrites the source; show prints the diff.
source "$(dirname "$0")/lib.bash"

project variants package
B=$T/variants-build
P=$T/variants
K=$P/.kevolve
KEVOLVE_CLI=$(kevolve_of variants)
DEVICE=$("$KEVOLVE_CLI" hw --json | python3 -c 'import json, sys
print([d["id"] for d in json.load(sys.stdin)["devices"] if d["backend"] == "cpu"][0])')

describe "without variants the target compiles its sources as they are"
run "$CMAKE" --build "$B"
expect_status 0
run "$B/app"
expect_out "scale(1)=2 unscaled(1)=1"
grep -q '"wrapped": \[\]' "$B/kevolve/targets/app.json" || fail "wrapped: $(cat "$B/kevolve/targets/app.json")"
grep -q '"llm": "command"' "$B/kevolve/targets/app.json" || fail "no llm in the target's config"
[ ! -d "$B/kevolve/app/sources" ] || fail "wrappers were written without variants"

# The unit's hashes as the sources hold them now.
hashes() {
  "$KEVOLVE_CLI" scan -B "$B" --json 2>/dev/null | python3 -c 'import json, sys
u = json.load(sys.stdin)["targets"][0]["units"][0]
print(u["kernel_hash"], u["hash"])'
}
read -r KERNEL_HASH SOURCE_HASH < <(hashes)
[ -n "$SOURCE_HASH" ] || fail "no hashes from kevolve scan"
cat >"$T/good.cpp" <<'CODE'
KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2) + SCALE_OFFSET + 1000; }
CODE
cat >"$T/broken.cpp" <<'CODE'
KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
int scale(int x) {
  return x * KEVOLVE_PARAM(scale, K, 2) + undefined_name;
}
CODE
record() { python3 "$SUITE_DIR/variants/record.py" "$K" "$DEVICE" "$KERNEL_HASH" "$SOURCE_HASH" "$1"; }
GOOD=$(record "$T/good.cpp")

describe "the build compiles the winning variant with its winner (K=4), the source's own flags kept"
run "$CMAKE" --build "$B"
expect_status 0
run "$B/app"
expect_out "scale(1)=1004 unscaled(1)=1"
wrapper=$(echo "$B"/kevolve/app/sources/*-scale.cpp)
grep -q "#line 1 \"$GOOD\"" "$wrapper" || fail "the wrapper does not name the variant: $(cat "$wrapper")"
grep -q '"wrapper": ' "$B/kevolve/targets/app.json" || fail "no wrapped source in the target's config"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0
expect_out "0 errors, 0 warnings"

describe "a no-op build runs nothing"
run "$CMAKE" --build "$B"
expect_out "no work to do"

describe "show prints the variant's provenance and its diff against the original kernel"
run "$KEVOLVE_CLI" show scale -B "$B"
expect_status 0
expect_out "by command scripted (120 prompt + 40 answer tokens"
expect_out "the original's best K=3"
expect_out "+++ $GOOD"
expect_out "-int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2) + SCALE_OFFSET; }"
expect_out "+int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2) + SCALE_OFFSET + 1000; }"
run "$KEVOLVE_CLI" show scale --knowledge "$K"
expect_out "kevolve show -B <build dir> scale prints the variant's diff"

describe "a tampered variant is refused: the original kernel is built with the original's best"
cp "$GOOD" "$T/saved.cpp"
echo "int tampered = 1;" >>"$GOOD"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "warning: app: unit scale: its code variant scale/variants/"
expect_out "its text is not what its name says"
expect_out "the original kernel is built with the original's best K=3"
run "$B/app"
expect_out "scale(1)=3 unscaled(1)=1"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 1
expect_out "its text is not the one its name is the hash of"

describe "a missing variant: the same"
rm "$GOOD"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "the code variant the wisdom refers to is missing"
run "$B/app"
expect_out "scale(1)=3 unscaled(1)=1"
cp "$T/saved.cpp" "$GOOD"
run "$CMAKE" --build "$B"
run "$B/app"
expect_out "scale(1)=1004"

describe "a variant that does not compile is reported at its own file's line, and not built"
BROKEN=$(record "$T/broken.cpp")
run "$CMAKE" --build "$B"
expect_status 0
expect_out "it does not compile in scale.cpp"
expect_out "$BROKEN:3:"
expect_out "undefined_name"
run "$B/app"
expect_out "scale(1)=3 unscaled(1)=1"

describe "a stale variant (the kernel was edited) is never built"
record "$T/good.cpp" >/dev/null
cp "$P/scale.cpp" "$T/scale.cpp.orig"
sed -i 's/+ SCALE_OFFSET;/+ SCALE_OFFSET + 0;/' "$P/scale.cpp"
run "$CMAKE" --build "$B"
expect_status 0
expect_out "is stale: the kernel in $P/scale.cpp or its space changed since tuning"
run "$B/app"
expect_out "scale(1)=3 unscaled(1)=1"
run "$KEVOLVE_CLI" adopt scale -B "$B"
expect_status 1
expect_err "is stale"
cp "$T/scale.cpp.orig" "$P/scale.cpp"

describe "adopt refuses a tampered variant and writes nothing"
cp "$GOOD" "$T/saved.cpp"
echo "int tampered = 1;" >>"$GOOD"
cp "$P/scale.cpp" "$T/scale.cpp.before"
run "$KEVOLVE_CLI" adopt scale -B "$B"
expect_status 1
expect_err "its text is not what its name says"
cmp -s "$P/scale.cpp" "$T/scale.cpp.before" || fail "a refused adopt changed the source"
cp "$T/saved.cpp" "$GOOD"

describe "adopt rewrites the source, prints the diff, and the wisdom names the adopted code"
chmod 640 "$P/scale.cpp"
run "$KEVOLVE_CLI" adopt scale -B "$B"
expect_status 0
expect_out "+int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2) + SCALE_OFFSET + 1000; }"
expect_err "adopted scale/variants/"
grep -q "SCALE_OFFSET + 1000" "$P/scale.cpp" || fail "the source was not rewritten: $(cat "$P/scale.cpp")"
grep -q "#line" "$P/scale.cpp" && fail "the adopted source has #line"
[ "$(stat -c %a "$P/scale.cpp")" = 640 ] || fail "the source's mode changed: $(stat -c %a "$P/scale.cpp")"
grep -q '"variant": null' "$K/scale/$DEVICE.json" || fail "the variant is still recorded"
read -r KERNEL_HASH SOURCE_HASH < <(hashes)
grep -q "\"kernel_hash\": \"$KERNEL_HASH\"" "$K/scale/$DEVICE.json" || fail "kernel_hash is not the adopted source's"
run "$CMAKE" --build "$B"
expect_status 0
expect_no_out "warning"
run "$B/app"
expect_out "scale(1)=1004 unscaled(1)=1"
grep -q "#include \"$P/scale.cpp\"" "$wrapper" || fail "a variant is still spliced in: $(cat "$wrapper")"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_status 0
expect_out "code variant that no wisdom refers to (kevolve knowledge gc)"

describe "knowledge gc removes the variants no wisdom refers to, and only those"
run "$KEVOLVE_CLI" knowledge gc "$K"
expect_status 0
expect_out "removed $BROKEN"
[ ! -e "$GOOD" ] || fail "the adopted variant is still there"
run "$KEVOLVE_CLI" knowledge verify "$K"
expect_out "0 errors, 0 warnings"

describe "kevolve_tune's LLM names a provider only"
sed -i 's/LLM command/LLM gemini/' "$P/CMakeLists.txt"
run "$CMAKE" -S "$P" -B "$B"
expect_status 1
expect_err "kevolve_tune(app): unknown LLM 'gemini' (known: openai anthropic command)"
echo "ok"
