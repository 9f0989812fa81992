// Fuzz target: the space parser (space::parse_space) on arbitrary text. It must return a spec or
// an error inside the text, never crash, hang or read out of bounds.

#include "space/parser.hpp"

#include "bench/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kevolve;
  std::string_view text = fuzz::text_of(data, size);
  auto spec = space::parse_space(text);
  if (!spec) {
    fuzz::check(spec.error().offset <= text.size(), "an error offset inside the text");
    (void)space::format_error(spec.error(), text, "space");
    return 0;
  }
  for (const space::Parameter& p : spec->parameters) {
    fuzz::check(!p.values.empty(), "a parameter has at least one value", p.name);
    fuzz::check(p.values.size() <= space::k_max_values, "at most k_max_values values", p.name);
    fuzz::check(spec->find_parameter(p.name) >= 0, "a declared parameter is found", p.name);
  }
  for (const space::Constraint& c : spec->constraints) {
    fuzz::check(c.begin <= c.end && c.end <= text.size(), "a constraint span inside the text");
    fuzz::check(c.root >= 0 && static_cast<std::size_t>(c.root) < spec->nodes.size(),
                "a constraint root inside the node pool");
  }
  return 0;
}
