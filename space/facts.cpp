#include "space/facts.hpp"

#include <algorithm>
#include <array>

namespace kevolve::space {

namespace {
constexpr std::array k_facts = {
    FactInfo{"max_threads", "threads per block (GPU) or hardware threads available (CPU)"},
    FactInfo{"warp", "threads per warp or wavefront (GPU); 32-bit SIMD lanes (CPU)"},
    FactInfo{"smem", "shared memory per block in bytes, without opt-in (GPU)"},
    FactInfo{"sm_count", "streaming multiprocessors or compute units (GPU)"},
    FactInfo{"cores", "physical cores available (CPU); same as sm_count (GPU)"},
    FactInfo{"l1", "L1 data cache per core (CPU) or per multiprocessor (GPU), bytes"},
    FactInfo{"l2", "L2 cache in bytes"},
};
}  // namespace

std::span<const FactInfo> known_facts() { return k_facts; }

bool is_known_fact(std::string_view name) {
  return std::any_of(k_facts.begin(), k_facts.end(),
                     [&](const FactInfo& f) { return f.name == name; });
}

std::optional<std::int64_t> Facts::get(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

}  // namespace kevolve::space
