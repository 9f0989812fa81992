#pragma once

// The static checks of an LLM-written variant (docs/design.md §8 item 6, docs/llm.md "Checks"):
// the file with the variant spliced in (tool/variant/splice.hpp) is parsed with the target's
// flags like any source, and the variant is refused when its kernel is missing, renamed or of
// another signature (parameter and return types), its KEVOLVE_TUNE marker is missing or names
// another unit, or its code (the spliced range) holds a red flag: threads, streams, events or
// graphs created; static or global mutable state; inline asm; timing calls; I/O; process or
// environment calls; an #include beyond the allow-list; a call to the unit's reference.

#include "analyzers/scan.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::analyzers {

// The headers a variant may include beyond those its file includes, as `<name>` spellings
// ("cmath", "hip/hip_runtime.h"); the prompt states the same list.
std::vector<std::string_view> allowed_includes();

struct VariantSource {
  std::filesystem::path patched;  // the spliced copy of the kernel's file
  std::size_t code_begin = 0;     // the variant's range in it
  std::size_t code_end = 0;
};

struct VariantCheck {
  // Why the variant is refused, one line each ("line 12: starts a thread (std::thread)"), lines
  // counted in the variant's text; empty: it passed.
  std::vector<std::string> rejections;
  // The variant as a unit of its target (its space, parameters, extents in `patched`, hashes),
  // when it passed.
  std::optional<Unit> unit;
};

// `request` with `patched` parsed in place of `original`, with the same arguments, among its
// sources and harnesses; where no job parses `original` (a kernel in a header), `patched` is
// added as a source of its own with the arguments of a source of its language.
ScanRequest with_source_replaced(const ScanRequest& request, const std::filesystem::path& original,
                                 const std::filesystem::path& patched);

// `request` is the scan of the unit's target (analyzers/scan.hpp) and `original` the unit as
// scanned there; the patched file takes the place of the original's file. One check: a tune
// that checks many variants of a unit uses a VariantChecker.
VariantCheck check_variant(const ScanRequest& request, const ParseOptions& options,
                           const Unit& original, const VariantSource& variant);

// The checks of many variants of one unit, one after the other (a tune), with check_variant's
// results at a fraction of its cost (docs/variants.md, "Cost"). The first check of a unit parses
// like check_variant, then keeps libclang's parse of the kernel's file with a precompiled
// preamble of its text before the variant (the original's includes); a later variant of the same
// unit, spliced by variant::splice, is a reparse of the rest. The target's other sources and
// harnesses are read once, on the first check: they must not change while the checker is used.
// Another unit, or a kernel file whose text before the kernel changed, starts over; CUDA and HIP
// kernels are parsed in full each time. One thread at a time.
class VariantChecker {
 public:
  VariantChecker(ScanRequest request, ParseOptions options);
  ~VariantChecker();
  VariantChecker(VariantChecker&&) noexcept;
  VariantChecker& operator=(VariantChecker&&) noexcept;

  VariantCheck check(const Unit& original, const VariantSource& variant);
  // Whether a parse is kept for the next variant.
  bool warm() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace kevolve::analyzers
