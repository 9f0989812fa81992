// Fuzz target: the space engine. Parses the text, builds the valid space for one fixed device
// (small node limit, so one input stays far below a second), then checks that numbering,
// sampling and neighbours agree with each other on a few points.

#include "space/parser.hpp"
#include "space/space.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

#include "bench/fuzz/fuzz.hpp"

namespace {

using namespace kevolve;

const space::Facts& device() {
  static const space::Facts facts{"fuzz",
                                  {{"max_threads", 1024},
                                   {"warp", 32},
                                   {"smem", 49152},
                                   {"sm_count", 132},
                                   {"cores", 132},
                                   {"l1", 262144},
                                   {"l2", 52428800}}};
  return facts;
}

void check_point(const space::Space& s, const space::Point& point) {
  fuzz::check(point.size() == s.parameters().size(), "a point has one index per parameter");
  for (std::size_t p = 0; p < point.size(); ++p) {
    fuzz::check(point[p] < s.parameters()[p].values.size(), "a value index inside its list");
  }
  // The detail is formatted only on failure: 65,535 neighbours formatted eagerly cost ~1 s.
  if (!s.contains(point)) fuzz::fail("a point the space gave is in the space", s.format(point));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto spec = space::parse_space(fuzz::text_of(data, size));
  if (!spec) return 0;
  space::BuildLimits limits;
  limits.max_nodes = 1 << 16;
  auto built = space::Space::build(std::move(*spec), device(), limits);
  if (!built) return 0;
  const space::Space& s = *built;
  fuzz::check(s.size() <= s.raw_size(), "no more valid points than raw ones");
  if (s.size() == 0) return 0;

  std::uint64_t last = s.size() - 1;
  for (std::uint64_t index : {std::uint64_t{0}, last / 2, last}) {
    space::Point point = s.at(index);
    check_point(s, point);
    if (s.index_of(point) != index) fuzz::fail("index_of(at(i)) == i", s.format(point));
    for (const space::Point& n : s.neighbours(point)) {
      check_point(s, n);
      auto differ = std::inner_product(n.begin(), n.end(), point.begin(), 0, std::plus<>(),
                                       std::not_equal_to<>());
      if (differ != 1) fuzz::fail("a neighbour differs in exactly one parameter", s.format(n));
    }
  }
  util::Rng rng(size);
  check_point(s, s.sample(rng));
  auto distinct = s.sample_distinct(8, rng);
  fuzz::check(distinct.size() == std::min<std::uint64_t>(8, s.size()), "sample_distinct's count");
  for (const space::Point& p : distinct) check_point(s, p);
  return 0;
}
