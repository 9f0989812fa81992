#include "tool/tune/variant_apply.hpp"

#include "tool/variant/splice.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::tune {

namespace fs = std::filesystem;

namespace {

bool is_wrapped(const TargetConfig& config, const fs::path& file) {
  return std::any_of(config.wrapped.begin(), config.wrapped.end(), [&](const WrappedSource& w) {
    return w.source.lexically_normal() == file.lexically_normal();
  });
}

const analyzers::SourceJob* compiled_source(const analyzers::ScanRequest& request,
                                            const fs::path& file) {
  for (const analyzers::SourceJob& job : request.sources) {
    if (job.file.lexically_normal() == file.lexically_normal()) return &job;
  }
  return nullptr;
}

// Why the kernel's file cannot take a variant, or "".
std::string unwrappable(const TargetConfig& config, const VariantContext& context,
                        const fs::path& file) {
  if (!compiled_source(context.request, file)) {
    return fmt::format(
        "its kernel is in {}, which {} does not compile itself (a kernel in a "
        "header cannot take a variant)",
        file.string(), config.target);
  }
  if (!is_wrapped(config, file)) {
    return fmt::format("{} is not compiled through kevolve's wrapper (configure the build again)",
                       file.string());
  }
  return "";
}

// The first error of a scan, as file:line:col: message.
std::string first_error(const analyzers::TargetScan& scan) {
  for (const analyzers::Problem& p : scan.problems) {
    if (p.severity != analyzers::Problem::Severity::error) continue;
    if (p.where.file.empty()) return p.message;
    return fmt::format("{}:{}:{}: {}", p.where.file, p.where.line, p.where.column, p.message);
  }
  return "";
}

std::size_t line_at(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// `message` with each "<copy>:<line>" named as the compiler will name it through the splice's
// #line directives: the variant's file and line inside its code, the original's elsewhere.
// `resume` is the original's line where its text resumes after the kernel.
std::string in_variant_terms(const std::string& message, const std::string& copy,
                             const variant::Spliced& spliced, std::size_t resume,
                             const std::string& original, const std::string& variant) {
  std::size_t first = line_at(spliced.text, spliced.code_begin);
  std::size_t last = line_at(spliced.text, spliced.code_end);       // the #line after the code
  std::size_t lead = spliced.text.rfind("#line ", 0) == 0 ? 1 : 0;  // the #line before all
  auto named = [&](std::size_t line) {
    if (line >= first && line < last) return fmt::format("{}:{}", variant, line - first + 1);
    if (line > last) return fmt::format("{}:{}", original, resume + (line - last - 1));
    return fmt::format("{}:{}", original, line > lead ? line - lead : line);
  };
  std::string out;
  std::size_t at = 0;
  for (std::size_t found; (found = message.find(copy + ":", at)) != std::string::npos;) {
    out.append(message, at, found - at);
    std::size_t digits = found + copy.size() + 1;
    std::size_t end = message.find_first_not_of("0123456789", digits);
    if (end == std::string::npos) end = message.size();
    if (end > digits) {
      out += named(std::stoul(message.substr(digits, end - digits)));
    } else {
      out.append(message, found, end - found);
    }
    at = end;
  }
  out.append(message, at, std::string::npos);
  return out;
}

}  // namespace

util::Expected<ShippedVariant> prepare_variant(const knowledge::KnowledgeDir& knowledge,
                                               const TargetConfig& config,
                                               const analyzers::Unit& unit,
                                               const knowledge::VariantRef& ref,
                                               const VariantContext& context) {
  ShippedVariant out;
  out.original = unit.kernel.name.file;
  if (std::string why = unwrappable(config, context, out.original); !why.empty())
    return util::unexpected(why);
  auto code = knowledge.read_variant(unit.name, ref);
  if (!code) return util::unexpected(code.error());
  out.code = std::move(*code);
  out.file = knowledge.root() / unit.name / "variants" / ref.file_name();
  auto source = util::read_file(out.original);
  if (!source) return util::unexpected(source.error());
  out.begin = unit.kernel.begin;
  out.end = unit.kernel.end;
  if (out.begin >= out.end || out.end > source->size()) {
    return util::unexpected(
        fmt::format("{}: the kernel's extent is not in the file", out.original.string()));
  }
  std::string original_path = out.original.string();
  std::string variant_path = out.file.string();
  variant::Spliced spliced =
      variant::splice({*source, out.begin, out.end, out.code, original_path, variant_path});

  // The copy is scanned as the wrapper will be compiled: with the original's flags (the splice
  // made its quoted includes of files beside the original absolute).
  fs::path copy =
      context.work_dir / (unit.name + "-" + ref.hash + out.original.extension().string());
  // Rewritten only when it changes: the scan cache keys on its content and time.
  if (auto current = util::read_file(copy); !current || *current != spliced.text) {
    if (auto made = util::ensure_directory(copy.parent_path()); !made)
      return util::unexpected(made.error());
    if (auto written = util::write_file_atomically(copy, spliced.text); !written)
      return util::unexpected(written.error());
  }
  analyzers::SourceJob job = *compiled_source(context.request, out.original);
  job.file = copy;
  analyzers::ScanRequest request;
  request.target = context.request.target;
  request.source_dir = context.request.source_dir;
  request.sources.push_back(std::move(job));
  analyzers::TargetScan scan = analyzers::scan_target(request, context.options);
  if (scan.errors() > 0) {
    return util::unexpected(fmt::format(
        "it does not compile in {} ({}): {}", out.original.filename().string(), copy.string(),
        in_variant_terms(first_error(scan), copy.string(), spliced, line_at(*source, out.end),
                         original_path, variant_path)));
  }
  const analyzers::Unit* found = scan.find(unit.name);
  if (!found) {
    return util::unexpected(
        fmt::format("{} with the variant spliced in has no unit {}", copy.string(), unit.name));
  }
  out.unit = *found;
  return out;
}

util::Expected<std::string> wrapper_text(const fs::path& original, const ShippedVariant* variant) {
  std::string prologue =
      "// Generated by kevolve apply: do not edit (docs/cmake.md, \"Code variants\").\n";
  if (variant) {
    auto text = util::read_file(original);
    if (!text) return util::unexpected(text.error());
    std::string original_path = original.string();
    std::string variant_path = variant->file.string();
    return prologue + variant::splice({*text, variant->begin, variant->end, variant->code,
                                       original_path, variant_path})
                          .text;
  }
  // The original itself, so that diagnostics and debuggers name it.
  std::string path = original.string();
  if (path.find_first_of("\n\r") != std::string::npos ||
      (path.find('"') != std::string::npos && path.find('>') != std::string::npos)) {
    return util::unexpected(fmt::format(
        "{}: no #include can name this path (a line break, or both '\"' and '>')", path));
  }
  bool quote = path.find('"') != std::string::npos;
  return prologue + fmt::format("#include {}{}{}\n", quote ? '<' : '"', path, quote ? '>' : '"');
}

}  // namespace kevolve::tune
