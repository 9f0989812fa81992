#pragma once

// The version of the knowledge format. Every file of a knowledge directory carries it as
// "schema". Newer schemas are refused ("upgrade kevolve"); older ones are migrated step by
// step, never deleted: the data is committed and reviewed.
//
// Version history:
//   1  (kevolve 0.1, 2026-11) KNOWLEDGE.json, <unit>/<device-id>.json wisdom, trials/*.jsonl.

#include "util/expected.hpp"
#include "util/json.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace kevolve::knowledge {

inline constexpr int k_schema = 1;

// The most bytes kevolve reads from one file of a knowledge directory (docs/knowledge-format.md):
// a wisdom file or KNOWLEDGE.json is a few KiB, a trial log grows by about 1 KiB an evaluation.
// A larger file is refused with its size and the limit, never read into memory.
inline constexpr std::size_t k_max_wisdom_bytes = std::size_t(16) << 20;
inline constexpr std::size_t k_max_trial_log_bytes = std::size_t(256) << 20;

// One step: rewrites a document of schema N (the key) into schema N + 1, setting "schema".
using Migration = std::function<util::Expected<void>(util::Json& document)>;
using Migrations = std::map<int, Migration>;

// The steps this kevolve knows (none yet: schema 1 is the first).
const Migrations& builtin_migrations();

// Brings `document` to k_schema. Returns the schema it had. `origin` names it in messages.
util::Expected<int> upgrade(util::Json& document, std::string_view origin,
                            const Migrations& migrations = builtin_migrations());

}  // namespace kevolve::knowledge
