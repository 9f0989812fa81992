#pragma once

// Shipping a code variant through the build (docs/cmake.md, "Code variants"). Where the
// knowledge directory holds variants, the build compiles each marked source of a target through
// a wrapper the apply step writes: `#include` of the original, or a copy of the original with
// the winning variants spliced in at their kernels' extents (#line directives name the
// variant's file for its lines, the original's for the others). A variant is built only when its
// text is the one its hash names, it was made from the current kernel, its kernel is in a source
// the target compiles through a wrapper, and the spliced copy scans with the target's flags into
// a unit whose own space holds the recorded winner; one variant per file (the first unit's, by
// name). Otherwise the original kernel is built, and
// the build warns naming the unit, the file and why.

#include "analyzers/scan.hpp"
#include "knowledge/store.hpp"
#include "tool/tune/target_config.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace kevolve::tune {

// What apply needs to check a spliced copy as the build compiles it.
struct VariantContext {
  analyzers::ScanRequest request;  // the target's sources with their flags
  analyzers::ParseOptions options;
  std::filesystem::path work_dir;  // where spliced copies are written to be scanned
};

// A variant ready to build.
struct ShippedVariant {
  analyzers::Unit unit;            // the variant as a unit of its spliced copy
  std::filesystem::path original;  // the kernel's file
  std::size_t begin = 0;           // the original kernel's extent in it
  std::size_t end = 0;
  std::string code;            // the variant's text
  std::filesystem::path file;  // the variant's file in the knowledge directory
};

// Reads, splices and scans the variant `ref` of `unit`; an error says why it cannot be built,
// naming the file concerned.
util::Expected<ShippedVariant> prepare_variant(const knowledge::KnowledgeDir& knowledge,
                                               const TargetConfig& config,
                                               const analyzers::Unit& unit,
                                               const knowledge::VariantRef& ref,
                                               const VariantContext& context);

// The text of `original`'s wrapper: an #include of it without a variant, else its text with the
// variant spliced in (tool/variant/splice.hpp). One variant per file: the splice rewrites the
// text around the kernel (its quoted includes, a #line), so a second kernel's extent would no
// longer be where the scan found it.
util::Expected<std::string> wrapper_text(const std::filesystem::path& original,
                                         const ShippedVariant* variant);

}  // namespace kevolve::tune
