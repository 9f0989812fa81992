#include "tool/eval/compare.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::eval;
using backends::BufferInfo;
using backends::Description;

namespace {

template <typename T>
void write(const test::TempDir& dir, const std::string& file, const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  dir.write(file, bytes);
}

Description one_output(const std::string& type, std::size_t count,
                       const std::string& role = "output") {
  Description d;
  d.buffers.push_back({"x", type, "input", count});
  d.buffers.push_back({"y", type, role, count});
  return d;
}

}  // namespace

TEST_CASE("compare: floats within tolerance pass, beyond it fail", "[eval][compare]") {
  test::TempDir dir;
  Description d = one_output("f32", 4);
  write<float>(dir, "ref/y.bin", {1.0f, -2.0f, 0.0f, 100.0f});
  write<float>(dir, "ok/y.bin", {1.00005f, -2.0001f, 0.000005f, 100.009f});
  write<float>(dir, "bad/y.bin", {1.0f, -2.0f, 0.001f, 100.0f});
  CHECK(compare_outputs(d, dir / "ref", dir / "ok").empty());
  std::string diff = compare_outputs(d, dir / "ref", dir / "bad");
  CHECK_THAT(diff, Catch::Contains("'y' differs in 1 of 4 elements; first at [2]"));

  SECTION("the harness's tolerance wins") {
    d.tolerances["y"] = {0, 0.01};
    CHECK(compare_outputs(d, dir / "ref", dir / "bad").empty());
  }
}

TEST_CASE("compare: NaN masks and infinities must agree, integers must be exact", "[eval][compare]") {
  test::TempDir dir;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Description f = one_output("f32", 3);
  write<float>(dir, "ref/y.bin", {nan, 1.0f, 2.0f});
  write<float>(dir, "same/y.bin", {nan, 1.0f, 2.0f});
  write<float>(dir, "filled/y.bin", {0.0f, 1.0f, 2.0f});
  write<float>(dir, "unwritten/y.bin", {nan, nan, nan});
  CHECK(compare_outputs(f, dir / "ref", dir / "same").empty());
  CHECK_FALSE(compare_outputs(f, dir / "ref", dir / "filled").empty());
  CHECK_FALSE(compare_outputs(f, dir / "ref", dir / "unwritten").empty());

  const float inf = std::numeric_limits<float>::infinity();
  write<float>(dir, "inf/y.bin", {nan, inf, -inf});
  write<float>(dir, "inf_same/y.bin", {nan, inf, -inf});
  write<float>(dir, "inf_finite/y.bin", {nan, inf, 5.0f});
  write<float>(dir, "inf_flipped/y.bin", {nan, -inf, -inf});
  CHECK(compare_outputs(f, dir / "inf", dir / "inf_same").empty());
  CHECK_THAT(compare_outputs(f, dir / "inf", dir / "inf_finite"),
             Catch::Contains("differs in 1 of 3 elements; first at [2]"));
  CHECK_FALSE(compare_outputs(f, dir / "inf", dir / "inf_flipped").empty());
  CHECK_FALSE(compare_outputs(f, dir / "ref", dir / "inf_same").empty());

  Description i = one_output("i32", 3);
  write<std::int32_t>(dir, "iref/y.bin", {1, 2, 3});
  write<std::int32_t>(dir, "ioff/y.bin", {1, 2, 4});
  CHECK_THAT(compare_outputs(i, dir / "iref", dir / "ioff"), Catch::Contains("expected 3, got 4"));
}

TEST_CASE("compare: a missing or short output is a difference", "[eval][compare]") {
  test::TempDir dir;
  Description d = one_output("f64", 4);
  write<double>(dir, "ref/y.bin", {1, 2, 3, 4});
  write<double>(dir, "short/y.bin", {1, 2});
  CHECK_THAT(compare_outputs(d, dir / "ref", dir / "short"), Catch::Contains("has 16 bytes"));
  CHECK_THAT(compare_outputs(d, dir / "ref", dir / "none"), Catch::Contains("cannot read"));
}

TEST_CASE("reference checks: outputs left unwritten or unchanged cannot verify",
          "[eval][compare]") {
  test::TempDir dir;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  write<float>(dir, "poisoned/y.bin", {nan, nan});
  ReferenceCheck poisoned = check_reference(one_output("f32", 2), dir / "poisoned");
  REQUIRE(poisoned.errors.size() == 1);
  CHECK_THAT(poisoned.errors[0], Catch::Contains("leaves output 'y' unwritten"));

  write<std::uint8_t>(dir, "ints/y.bin", {0xA5, 0xA5, 0xA5});
  CHECK(check_reference(one_output("u8", 3), dir / "ints").errors.size() == 1);

  write<float>(dir, "inout/y.bin", {1, 2});
  write<float>(dir, "inout/y.initial.bin", {1, 2});
  ReferenceCheck unchanged = check_reference(one_output("f32", 2, "inout"), dir / "inout");
  REQUIRE(unchanged.errors.size() == 1);
  CHECK_THAT(unchanged.errors[0], Catch::Contains("leaves inout 'y' unchanged"));

  write<float>(dir, "constant/y.bin", {3, 3, 3});
  ReferenceCheck constant = check_reference(one_output("f32", 3), dir / "constant");
  CHECK(constant.errors.empty());
  REQUIRE(constant.warnings.size() == 1);
  CHECK_THAT(constant.warnings[0], Catch::Contains("every element of 'y' is equal"));

  write<float>(dir, "good/y.bin", {1, 2});
  CHECK(check_reference(one_output("f32", 2), dir / "good").errors.empty());

  Description inputs_only;
  inputs_only.buffers.push_back({"x", "f32", "input", 2});
  CHECK_THAT(check_reference(inputs_only, dir / "good").errors.at(0),
             Catch::Contains("nothing to verify"));
}
