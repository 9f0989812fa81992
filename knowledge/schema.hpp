#pragma once

// The version of the knowledge format. Every file of a knowledge directory carries it as
// "schema". Newer schemas are refused ("upgrade kevolve"); older ones are migrated step by
// step, never deleted: the data is committed and reviewed.
//
// Version history:
//   1  (kevolve 0.1, 2026-11) KNOWLEDGE.json, <unit>/<device-id>.json wisdom, trials/*.jsonl.

#include "util/expected.hpp"
#include "util/json.hpp"

#include <functional>
#include <map>
#include <string>

namespace kevolve::knowledge {

inline constexpr int k_schema = 1;

// One step: rewrites a document of schema N (the key) into schema N + 1, setting "schema".
using Migration = std::function<util::Expected<void>(util::Json& document)>;
using Migrations = std::map<int, Migration>;

// The steps this kevolve knows (none yet: schema 1 is the first).
const Migrations& builtin_migrations();

// Brings `document` to k_schema. Returns the schema it had. `origin` names it in messages.
util::Expected<int> upgrade(util::Json& document, std::string_view origin,
                            const Migrations& migrations = builtin_migrations());

}  // namespace kevolve::knowledge
