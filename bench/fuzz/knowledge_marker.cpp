// Fuzz target: the knowledge directory's marker, KNOWLEDGE.json, as KnowledgeDir::open checks it:
// JSON, then the schema check and upgrade (knowledge/schema.cpp). An accepted marker is of the
// current schema.

#include "knowledge/schema.hpp"
#include "util/json.hpp"

#include "bench/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kevolve;
  auto document = util::parse_json(fuzz::text_of(data, size), "KNOWLEDGE.json");
  if (!document) return 0;
  auto version = knowledge::upgrade(*document, "KNOWLEDGE.json");
  if (!version) return 0;
  fuzz::check(*version <= knowledge::k_schema, "no schema newer than this kevolve's is accepted");
  fuzz::check(document->is_object() && document->at("schema") == knowledge::k_schema,
              "an accepted marker is upgraded to the current schema", util::dump_json(*document));
  return 0;
}
