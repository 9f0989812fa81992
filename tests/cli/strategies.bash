# The strategy names that cmake/kevolve.cmake accepts for kevolve_tune(... STRATEGY) are the
# ones the tool knows (search::strategy_names()), in the same order.
source "$(dirname "$0")/lib.bash"

describe "kevolve.cmake's _kevolve_strategies is the tool's list"
module=$SUITE_DIR/../../cmake/kevolve.cmake
cmake_list=$(sed -n 's/^set(_kevolve_strategies \([^)]*\)).*/\1/p' "$module")
[ -n "$cmake_list" ] || fail "no set(_kevolve_strategies ...) in $module"
# The tool lists its strategies when given one it does not know.
run "$KEVOLVE" simulate "$T/none.json" --strategy not-a-strategy
expect_status 2
tool_list=$(sed -n "s/.*unknown strategy 'not-a-strategy' (known: \([^)]*\)).*/\1/p" "$T/err")
[ -n "$tool_list" ] || fail "stderr lists no known strategies"
tool_list=${tool_list//, / }
[ "$cmake_list" = "$tool_list" ] ||
  fail "kevolve.cmake lists '$cmake_list', the tool '$tool_list' (tool/search/registry.cpp)"

echo "ok"
