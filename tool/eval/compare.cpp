#include "tool/eval/compare.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace kevolve::eval {

namespace fs = std::filesystem;
using backends::BufferInfo;
using backends::Description;

namespace {

std::size_t element_size(std::string_view type) {
  if (type == "f64" || type == "i64" || type == "u64") return 8;
  if (type == "f32" || type == "i32" || type == "u32") return 4;
  if (type == "i16" || type == "u16") return 2;
  return 1;
}

util::Expected<util::MappedFile> read_buffer(const fs::path& file, const BufferInfo& b) {
  auto data = util::MappedFile::open(file);
  if (!data) return data;
  std::size_t expected = b.count * element_size(b.type);
  if (data->bytes().size() != expected) {
    return util::unexpected(fmt::format("{} has {} bytes; '{}' has {} elements of {}, {} bytes",
                                        file.string(), data->bytes().size(), b.name, b.count,
                                        b.type, expected));
  }
  return data;
}

template <typename T>
constexpr double kLargest = static_cast<double>(std::numeric_limits<T>::max());

template <typename T>
T at(std::string_view bytes, std::size_t i) {
  T v;
  std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
  return v;
}

// Whether every element is finite in the reference and within tolerance: one pass without
// branches, which the compiler vectorizes. The usual answer; only a "no" needs the details.
template <typename T>
bool all_close(std::string_view ref, std::string_view got, std::size_t count, Tolerance tol) {
  std::size_t close = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double rd = static_cast<double>(at<T>(ref, i));
    const double error = std::fabs(static_cast<double>(at<T>(got, i)) - rd);
    // false for NaN; an infinite reference gives an infinite bound, caught by the second test
    close += (error <= tol.atol + tol.rtol * std::fabs(rd)) & (std::fabs(rd) <= kLargest<T>);
  }
  return close == count;
}

template <typename T>
std::string compare_typed(const BufferInfo& b, std::string_view ref, std::string_view got,
                          Tolerance tol) {
  if constexpr (std::is_floating_point_v<T>) {
    if (all_close<T>(ref, got, b.count, tol)) return {};
  }
  std::size_t bad = 0;
  std::size_t first = 0;
  double worst = 0;
  for (std::size_t i = 0; i < b.count; ++i) {
    T r = at<T>(ref, i);
    T c = at<T>(got, i);
    bool ok;
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(r) || std::isnan(c)) {
        ok = std::isnan(r) && std::isnan(c);  // NaN masks must agree
      } else if (std::isinf(r) || std::isinf(c)) {
        ok = r == c;
      } else {
        double error = std::fabs(static_cast<double>(c) - static_cast<double>(r));
        ok = error <= tol.atol + tol.rtol * std::fabs(static_cast<double>(r));
        if (!ok) worst = std::max(worst, error);
      }
    } else {
      ok = r == c;
    }
    if (!ok && bad++ == 0) first = i;
  }
  if (bad == 0) return {};
  std::string what =
      fmt::format("'{}' differs in {} of {} elements; first at [{}]: expected {}, got {}", b.name,
                  bad, b.count, first, at<T>(ref, first), at<T>(got, first));
  if constexpr (std::is_floating_point_v<T>) {
    what += fmt::format(" (largest error {:.3g}; rtol {:g}, atol {:g})", worst, tol.rtol, tol.atol);
  }
  return what;
}

template <typename F>
auto dispatch(std::string_view type, F&& f) {
  if (type == "f32") return f(float{});
  if (type == "f64") return f(double{});
  if (type == "i8") return f(std::int8_t{});
  if (type == "u8") return f(std::uint8_t{});
  if (type == "i16") return f(std::int16_t{});
  if (type == "u16") return f(std::uint16_t{});
  if (type == "i32") return f(std::int32_t{});
  if (type == "u32") return f(std::uint32_t{});
  if (type == "i64") return f(std::int64_t{});
  return f(std::uint64_t{});
}

bool all_equal(std::string_view bytes, std::size_t element) {
  for (std::size_t i = element; i + element <= bytes.size(); i += element) {
    if (std::memcmp(bytes.data(), bytes.data() + i, element) != 0) return false;
  }
  return true;
}

// What an output holds if nothing wrote it (bench.hpp's poison): NaN or 0xA5 bytes.
bool poisoned(std::string_view bytes, std::string_view type) {
  if (type == "f32" || type == "f64") {
    return dispatch(type, [&](auto zero) {
      using T = decltype(zero);
      for (std::size_t i = 0; i < bytes.size() / sizeof(T); ++i) {
        if (!std::isnan(static_cast<double>(at<T>(bytes, i)))) return false;
      }
      return true;
    });
  }
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) != 0xA5) return false;
  }
  return true;
}

}  // namespace

Tolerance tolerance_for(const BufferInfo& b, const Description& d) {
  auto it = d.tolerances.find(b.name);
  if (it != d.tolerances.end()) return {it->second.first, it->second.second};
  if (b.type == "f32") return {1e-4, 1e-5};
  if (b.type == "f64") return {1e-9, 1e-12};
  return {0, 0};
}

std::string compare_outputs(const Description& d, const fs::path& reference_dir,
                            const fs::path& candidate_dir) {
  for (const BufferInfo& b : d.buffers) {
    if (b.role == "input") continue;
    auto ref = read_buffer(reference_dir / (b.name + ".bin"), b);
    if (!ref) return ref.error();
    auto got = read_buffer(candidate_dir / (b.name + ".bin"), b);
    if (!got) return got.error();
    Tolerance tol = tolerance_for(b, d);
    std::string diff = dispatch(b.type, [&](auto zero) {
      return compare_typed<decltype(zero)>(b, ref->bytes(), got->bytes(), tol);
    });
    if (!diff.empty()) return diff;
  }
  return {};
}

ReferenceCheck check_reference(const Description& d, const fs::path& reference_dir) {
  ReferenceCheck check;
  bool any_output = false;
  for (const BufferInfo& b : d.buffers) {
    if (b.role == "input") continue;
    any_output = true;
    auto ref = read_buffer(reference_dir / (b.name + ".bin"), b);
    if (!ref) {
      check.errors.push_back(ref.error());
      continue;
    }
    if (b.role == "output" && b.count > 0 && poisoned(ref->bytes(), b.type)) {
      check.errors.push_back(
          fmt::format("the reference run leaves output '{}' unwritten: every element is "
                      "still the poison kevolve fills it with",
                      b.name));
      continue;
    }
    if (b.role == "inout") {
      auto initial = read_buffer(reference_dir / (b.name + ".initial.bin"), b);
      if (initial && initial->bytes() == ref->bytes() && b.count > 0) {
        check.errors.push_back(
            fmt::format("the reference run leaves inout '{}' unchanged: verification could "
                        "not tell a candidate that does nothing from a correct one",
                        b.name));
        continue;
      }
    }
    if (b.count > 1 && all_equal(ref->bytes(), element_size(b.type))) {
      check.warnings.push_back(
          fmt::format("every element of '{}' is equal in the reference output: verification "
                      "of it is weak",
                      b.name));
    }
  }
  if (!any_output) {
    check.errors.push_back(
        "the harness declares no output or inout buffer: there is nothing to verify");
  }
  return check;
}

}  // namespace kevolve::eval
