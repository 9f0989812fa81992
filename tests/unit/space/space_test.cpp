#include "space/space.hpp"

#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace kevolve::space;
using kevolve::util::Rng;

namespace {

using Ints = std::vector<std::int64_t>;
using Predicate = std::function<bool(const Ints&)>;

Facts gpu_facts() {
  Facts f;
  f.device = "test-gpu";
  f.values = {{"max_threads", 1024}, {"warp", 32}, {"smem", 49152}, {"sm_count", 132}};
  return f;
}

Space build(const std::string& text, const Facts& facts = gpu_facts()) {
  auto space = make_space(text, facts);
  if (!space) FAIL(format_error(space.error(), text, "space"));
  return std::move(*space);
}

SpaceError build_error(const std::string& text, const Facts& facts = gpu_facts()) {
  auto space = make_space(text, facts);
  REQUIRE_FALSE(space);
  return space.error();
}

// Integer values of a point (identifier values count as their index).
Ints ints_of(const Space& s, const Point& p) {
  Ints out;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const Value& v = s.value(p, i);
    out.push_back(v.is_integer() ? v.integer() : p[i]);
  }
  return out;
}

// Every raw point, by brute force over the cross product.
std::vector<Point> raw_points(const Space& s) {
  std::vector<Point> points(1);
  for (const Parameter& param : s.parameters()) {
    std::vector<Point> next;
    for (const Point& p : points) {
      for (std::size_t v = 0; v < param.values.size(); ++v) {
        Point q = p;
        q.push_back(static_cast<std::uint16_t>(v));
        next.push_back(q);
      }
    }
    points = std::move(next);
  }
  return points;
}

struct Case {
  const char* spec;
  Predicate valid;
};

const Case k_cases[] = {
    {"A: 1..6; B: 1..6; require A < B", [](const Ints& x) { return x[0] < x[1]; }},
    {"BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 2048",
     [](const Ints& x) { return x[0] * x[1] <= 2048; }},
    // Two independent groups and a free parameter.
    {"A: 1..5; B: 1..5; C: 0..3; D: 1..4; E: 1..3; require A + B == 6; require C % D == 0",
     [](const Ints& x) { return x[0] + x[1] == 6 && x[2] % x[3] == 0; }},
    // A chain that ties everything into one group, with facts.
    {"X: 8..256 step 8; Y: 1..8; Z: 1, 2, 4; require X * Y <= max_threads && Y >= Z; "
     "require X % (Z * 8) == 0",
     [](const Ints& x) { return x[0] * x[1] <= 1024 && x[1] >= x[2] && x[0] % (x[2] * 8) == 0; }},
    // Negative values and C's truncating division.
    {"A: -6..6; B: 1..4; require A / B == -1 || A % B == -1",
     [](const Ints& x) { return x[0] / x[1] == -1 || x[0] % x[1] == -1; }},
    // A guarded division: safe because && short-circuits.
    {"N: 0..6; D: 0..3; require D != 0 && N % D == 0",
     [](const Ints& x) { return x[1] != 0 && x[0] % x[1] == 0; }},
    // Identifier values next to a constrained integer.
    {"T: float, double, half; V: 1, 2, 4; require V <= 2", [](const Ints& x) { return x[1] <= 2; }},
    // Unary constraints only.
    {"A: 1..20; B: 1..10; require A % 3 == 0; require !(B > 7)",
     [](const Ints& x) { return x[0] % 3 == 0 && !(x[1] > 7); }},
    // Constant constraints that hold.
    {"A: 1..3; require smem >= 1024", [](const Ints&) { return true; }},
    // A constraint that reads the last-declared parameter first.
    {"P: 1..4; Q: 1..4; R: 1..4; S: 1..4; require S > P; require S > Q && R != Q; require P + Q + "
     "R + S < 12",
     [](const Ints& x) {
       return x[3] > x[0] && x[3] > x[1] && x[2] != x[1] && x[0] + x[1] + x[2] + x[3] < 12;
     }},
};

double chi_square(const std::vector<std::uint64_t>& counts, double expected) {
  double chi2 = 0;
  for (std::uint64_t c : counts) chi2 += (c - expected) * (c - expected) / expected;
  return chi2;
}

}  // namespace

TEST_CASE("space: counts, enumeration and membership match brute force", "[space]") {
  for (const Case& c : k_cases) {
    INFO(c.spec);
    Space s = build(c.spec);
    std::vector<Point> raw = raw_points(s);
    CHECK(s.raw_size() == raw.size());

    std::set<Point> expected;
    for (const Point& p : raw) {
      bool valid = c.valid(ints_of(s, p));
      if (valid) expected.insert(p);
      CHECK(s.contains(p) == valid);
    }
    REQUIRE(s.size() == expected.size());

    std::set<Point> enumerated;
    for (std::uint64_t i = 0; i < s.size(); ++i) {
      Point p = s.at(i);
      CHECK(s.index_of(p) == i);
      enumerated.insert(p);
    }
    CHECK(enumerated == expected);
  }
}

TEST_CASE("space: neighbours are the valid points one parameter away", "[space]") {
  for (const Case& c : k_cases) {
    INFO(c.spec);
    Space s = build(c.spec);
    std::vector<Point> raw = raw_points(s);
    for (std::uint64_t i = 0; i < s.size(); i += 3) {
      Point p = s.at(i);
      std::set<Point> expected;
      for (const Point& q : raw) {
        std::size_t differ = 0;
        for (std::size_t k = 0; k < p.size(); ++k) differ += p[k] != q[k];
        if (differ == 1 && c.valid(ints_of(s, q))) expected.insert(q);
      }
      auto found = s.neighbours(p);
      CHECK(std::set<Point>(found.begin(), found.end()) == expected);
      CHECK(found.size() == expected.size());  // no duplicates
    }
  }
}

TEST_CASE("space: the first point listed varies the last-declared parameter fastest", "[space]") {
  Space s = build("A: 1, 2; B: 1, 2, 3");
  CHECK(s.format(s.at(0)) == "A=1 B=1");
  CHECK(s.format(s.at(1)) == "A=1 B=2");
  CHECK(s.format(s.at(3)) == "A=2 B=1");
}

TEST_CASE("space: uniform sampling passes a chi-square test", "[space][statistics]") {
  // 3 parameters in one group with an irregular constraint: the trie's fan-out differs a lot
  // between branches, so sampling that chose children uniformly would be far from uniform.
  Space s = build("A: 1..8; B: 1..8; C: 1..4; require A * B * C <= 40 && A >= B");
  const std::uint64_t cells = s.size();
  REQUIRE(cells > 20);
  const std::uint64_t draws = 200 * cells;
  std::vector<std::uint64_t> counts(cells, 0);
  Rng rng(12345);
  for (std::uint64_t i = 0; i < draws; ++i) {
    Point p = s.sample(rng);
    auto index = s.index_of(p);
    REQUIRE(index);
    ++counts[*index];
  }
  double expected = static_cast<double>(draws) / static_cast<double>(cells);
  double chi2 = chi_square(counts, expected);
  // Critical value at p = 0.001 for df = cells - 1, by the Wilson-Hilferty approximation.
  double df = static_cast<double>(cells - 1);
  double z = 3.090;
  double critical = df * std::pow(1 - 2 / (9 * df) + z * std::sqrt(2 / (9 * df)), 3);
  INFO("chi2 = " << chi2 << ", critical = " << critical << ", cells = " << cells);
  CHECK(chi2 < critical);

  SECTION("and the test would catch a non-uniform sampler") {
    // Draw A uniformly among its values first, then the rest: biased toward rare A values.
    std::vector<std::vector<std::uint64_t>> by_a(8);
    for (std::uint64_t k = 0; k < cells; ++k) by_a[s.at(k)[0]].push_back(k);
    std::vector<std::uint64_t> biased(cells, 0);
    Rng other(12345);
    for (std::uint64_t i = 0; i < draws; ++i) {
      const auto& with_a = by_a[other.below(8)];
      if (!with_a.empty()) ++biased[with_a[other.below(with_a.size())]];
    }
    CHECK(chi_square(biased, expected) > critical);
  }
}

TEST_CASE("space: distinct samples", "[space]") {
  Space s = build("A: 1..50; B: 1..50; require A <= B");
  Rng rng(7);
  auto few = s.sample_distinct(100, rng);
  CHECK(few.size() == 100);
  CHECK(std::set<Point>(few.begin(), few.end()).size() == 100);
  for (const Point& p : few) CHECK(s.contains(p));

  auto most = s.sample_distinct(s.size() - 5, rng);
  CHECK(std::set<Point>(most.begin(), most.end()).size() == s.size() - 5);

  auto all = s.sample_distinct(s.size() + 10, rng);
  CHECK(all.size() == s.size());

  Rng again(7);
  CHECK(s.sample_distinct(100, again) == few);  // deterministic for a seed
}

TEST_CASE("space: large spaces stay cheap", "[space]") {
  // 16 * 16 * 16 * 8 * 8 * 4 * 4 * 5 = 21 million raw points.
  Space s = build(
      "BM: 16..256 step 16; BN: 16..256 step 16; BK: 4..64 step 4; TM: 1..8; TN: 1..8; "
      "VEC: 1, 2, 4, 8; STAGES: 1..4; SPLIT: 1..5; "
      "require BM % (TM * VEC) == 0 && BN % TN == 0; "
      "require (BM / TM) * (BN / TN) <= max_threads && (BM / TM) * (BN / TN) >= warp; "
      "require (BM + BN) * BK * 4 * STAGES <= smem; require BK % VEC == 0; "
      "require SPLIT == 1 || BK >= 16");
  CHECK(s.raw_size() == 20971520);
  CHECK(s.size() > 1000);
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) CHECK(s.contains(s.sample(rng)));
}

TEST_CASE("space: errors", "[space]") {
  SECTION("division by zero that a point reaches") {
    std::string text = "N: 0..6; D: 0..3; require N % D == 0";
    SpaceError e = build_error(text);
    CHECK_THAT(e.message, Catch::Contains("division by zero in constraint 'N % D == 0'"));
    CHECK_THAT(e.message, Catch::Contains("D = 0"));
    CHECK(e.offset == text.find('%'));
  }
  SECTION("division by zero is reached when the guard comes later") {
    SpaceError e = build_error("N: 0..6; D: 0..3; require N % D == 0; require D != 0");
    CHECK_THAT(e.message, Catch::Contains("division by zero"));
  }
  SECTION("an earlier conjunct that rules the failing points out guards it") {
    CHECK(make_space("N: 0..6; D: 0..3; require D > 0; require N % D == 0", gpu_facts()));
    CHECK(make_space("N: 0..6; D: 0..3; require N >= 0 && D >= 1 && N / D < 3", gpu_facts()));
  }
  SECTION("division by zero in a constant") {
    SpaceError e = build_error("A: 1; require smem / 0 > 1");
    CHECK_THAT(e.message, Catch::Contains("division by zero"));
  }
  SECTION("overflow") {
    SpaceError e = build_error("A: 1, 4611686018427387904; B: 2, 3; require A * B > 0");
    CHECK_THAT(e.message, Catch::Contains("integer overflow"));
  }
  SECTION("no valid point") {
    std::string text = "A: 1..4; B: 1..4; C: 1, 2; require A > B; require B > A";
    SpaceError e = build_error(text);
    CHECK_THAT(e.message, Catch::Contains("no point satisfies the constraints"));
    CHECK_THAT(e.message, Catch::Contains("16 combinations of A, B"));
    CHECK(e.offset == text.find("A > B"));
  }
  SECTION("no valid point because of a hardware fact") {
    SpaceError e = build_error("BLOCK: 2048, 4096; require BLOCK <= max_threads");
    CHECK_THAT(e.message, Catch::Contains("no point satisfies"));
    CHECK_THAT(e.note, Catch::Contains("max_threads = 1024"));
  }
  SECTION("a constant constraint that is false") {
    SpaceError e = build_error("A: 1; require smem > 1000000");
    CHECK_THAT(e.message, Catch::Contains("always false"));
  }
  SECTION("a fact this device does not know") {
    Facts cpu;
    cpu.device = "cpu-x86_64-test";
    cpu.values = {{"cores", 8}};
    std::string text = "A: 1..4; require A * 1024 <= smem";
    SpaceError e = build_error(text, cpu);
    CHECK_THAT(e.message, Catch::Contains("hardware fact 'smem' is not known for cpu-x86_64-test"));
    CHECK(e.offset == text.find("smem"));
  }
  SECTION("too many combinations to store") {
    auto s = make_space("A: 1..1000; B: 1..1000; require A != B", gpu_facts(), BuildLimits{10000});
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error().message, Catch::Contains("more than 10000 combinations"));
  }
  SECTION("too many evaluations to enumerate") {
    // 100 * 100 evaluations of A == B for 100 points: a budget bounds the time, not the result.
    std::string text = "C: 1, 2; A: 1..100; B: 1..100; require A == B";
    BuildLimits limits;
    limits.max_evaluations = 5000;
    auto s = make_space(text, gpu_facts(), limits);
    REQUIRE_FALSE(s);
    CHECK(s.error().message == "the constraints on A, B need more than 5000 evaluations to "
                               "enumerate");
    CHECK(s.error().offset == text.find("A:"));
    limits.max_evaluations = 10000;
    auto enough = make_space(text, gpu_facts(), limits);
    REQUIRE(enough);
    CHECK(enough->size() == 200);
  }
}

TEST_CASE("space: error text shows the line and a caret", "[space]") {
  std::string text = "A: 1..4;\nB: 10..1";
  SpaceError e = build_error(text);
  CHECK(format_error(e, text, "space") ==
        "space:2:4: bad range 10..1: the start is greater than the end\n  B: 10..1\n     ^");
}

TEST_CASE("space from listed points: numbered, found, walked like a constrained one", "[space]") {
  SpaceSpec spec;
  spec.parameters.push_back(
      {"A", {Value(std::int64_t{1}), Value(std::int64_t{2}), Value(std::int64_t{4})}});
  spec.parameters.push_back({"B", {Value(std::string("x")), Value(std::string("y"))}});
  spec.parameters.push_back({"C", {Value(std::int64_t{0}), Value(std::int64_t{1})}});
  std::vector<Point> listed = {{2, 1, 0}, {0, 0, 1}, {1, 1, 1}, {0, 0, 0}, {2, 1, 0}, {2, 0, 1}};
  Space s = Space::from_points(spec, listed);
  CHECK(s.size() == 5);
  CHECK(s.raw_size() == 12);
  std::set<Point> expected(listed.begin(), listed.end());
  std::set<Point> seen;
  for (std::uint64_t i = 0; i < s.size(); ++i) {
    Point p = s.at(i);
    CHECK(expected.count(p) == 1);
    CHECK(s.index_of(p) == i);
    seen.insert(p);
  }
  CHECK(seen == expected);
  CHECK_FALSE(s.contains({1, 0, 0}));
  CHECK_FALSE(s.contains({2, 1, 1}));
  // Neighbours differ in one parameter and are listed.
  std::set<Point> n;
  for (const Point& p : s.neighbours({2, 1, 0})) n.insert(p);
  CHECK(n == std::set<Point>{});
  for (const Point& p : s.neighbours({0, 0, 1})) n.insert(p);
  CHECK(n == std::set<Point>{{0, 0, 0}, {2, 0, 1}});
  CHECK(s.format({1, 1, 1}) == "A=2 B=y C=1");
  Rng rng(3);
  CHECK(s.sample_distinct(10, rng).size() == 5);
}

TEST_CASE("space: many large independent parameters are counted, not enumerated", "[space]") {
  // Parsing was quadratic in a parameter's values; this took 52 s to be refused (issue 17).
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "P" + std::to_string(i) + ": 1..65536; ";
  SpaceError e = build_error(twenty);
  CHECK(e.message == "the space has more than 2^64 points before constraints");
  CHECK(e.offset == twenty.find("P3"));  // 65536^4 = 2^64 is the first product too large

  // Just under 2^64, with a constraint on one of them.
  Space s = build("P0: 1..65536; P1: 1..65536; P2: 1..65535; P3: 1..65536; require P3 % 2 == 0");
  CHECK(s.raw_size() == 65535 * (std::uint64_t{1} << 48));
  CHECK(s.size() == 65535 * (std::uint64_t{1} << 47));
  CHECK(s.groups().size() == 4);
  CHECK(s.format(s.at(s.size() - 1)) == "P0=65536 P1=65536 P2=65535 P3=65536");
  CHECK(s.index_of(s.at(s.size() / 3)) == s.size() / 3);
}
