#!/usr/bin/env bash
# The main job: set up, build and install kevolve, then tune the bundled examples (examples/)
# on this machine through CMake, and print the before/after table.
#
#   KEVOLVE_BUILD_DIR   where kevolve and the examples are built (default: build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KEVOLVE_BUILD_DIR:-$root/build}
examples=$build/examples

bash "$root/scripts/build.sh"
cmake --install "$build" --prefix "$build/prefix" >/dev/null
kevolve=$build/prefix/bin/kevolve

echo
"$kevolve" hw
cmake -S "$root/examples" -B "$examples" -DCMAKE_PREFIX_PATH="$build/prefix" >/dev/null
cmake --build "$examples"
echo
echo "== the examples as built before tuning"
"$examples/kevolve_examples"

echo
echo "== tuning them on this machine (cmake --build $examples --target kevolve_tune)"
cmake --build "$examples" --target kevolve_tune
cmake --build "$examples"
echo
echo "== the examples as built after tuning"
"$examples/kevolve_examples"

echo
echo "== before and after (kevolve tune again: recorded, nothing to evaluate)"
"$kevolve" tune -B "$examples" 2>/dev/null
# How each search went, where its time went, the winners against the defaults: one HTML page.
"$kevolve" report -B "$examples" --html "$build/examples-report.html" >/dev/null &&
  echo "== the report: $build/examples-report.html (one self-contained page; docs/results/report.md)"

# The agentic half on examples/llm: a matrix multiply whose space only unrolls its textbook loop.
# scripted/llm.sh stands in for an LLM (the `command` provider: no network, no key) and answers
# with a rewrite; kevolve checks it, evaluates it like any candidate and ships it through the
# build. A copy is tuned, so that the source tree stays as it is.
llm=$build/llm-example
rm -rf "$llm" && mkdir -p "$llm" && cp -r "$root/examples/llm" "$llm/src"
cmake -S "$llm/src" -B "$llm/build" -DCMAKE_PREFIX_PATH="$build/prefix" >/dev/null
cmake --build "$llm/build" >/dev/null
echo
echo "== examples/llm as written"
"$llm/build/kevolve_llm_example"
echo
echo "== its parameters, then an LLM variant (KEVOLVE_LLM=command: examples/llm/scripted/llm.sh)"
KEVOLVE_LLM=command KEVOLVE_LLM_COMMAND="$llm/src/scripted/llm.sh" KEVOLVE_LLM_CALLS=1 \
  cmake --build "$llm/build" --target kevolve_tune
# More than 10x faster than the defaults: kevolve holds such a winner for a person to check
# (kevolve accept). Here the variant is the scripted one shipped with kevolve, checked already.
if "$kevolve" status -B "$llm/build" 2>/dev/null | grep -q " review "; then
  echo "== the variant is more than 10x faster: it waits for review; accepting the scripted one"
  "$kevolve" accept matmul_naive -B "$llm/build"
fi
cmake --build "$llm/build" >/dev/null
echo
echo "== examples/llm as built after tuning (the variant in place of the original kernel)"
"$llm/build/kevolve_llm_example"
"$kevolve" show matmul_naive -B "$llm/build" | head -40
