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

// `message` with each "<copy>:<line>:" inside the variant's code named as the variant's file and
// line, as the compiler will name it through #line; lines before it are the original's.
std::string in_variant_terms(std::string message, const std::string& copy,
                             const variant::Spliced& spliced, const std::string& original,
                             const std::string& variant) {
  std::size_t first = line_at(spliced.text, spliced.code_begin);
  std::size_t last = line_at(spliced.text, spliced.code_end);
  std::string out;
  std::size_t at = 0;
  for (std::size_t found; (found = message.find(copy + ":", at)) != std::string::npos;) {
    out.append(message, at, found - at);
    std::size_t digits = found + copy.size() + 1;
    std::size_t end = message.find_first_not_of("0123456789", digits);
    std::size_t line = 0;
    if (end != digits && end != std::string::npos && message[end] == ':')
      line = std::stoul(message.substr(digits, end - digits));
    if (line >= first && line <= last) {
      out += fmt::format("{}:{}", variant, line - first + 1);
    } else if (line > 0 && line < first) {
      out += fmt::format("{}:{}", original, line);
    } else {
      out.append(message, found, end == std::string::npos ? std::string::npos : end - found);
    }
    at = end == std::string::npos ? message.size() : end;
  }
  out.append(message, std::min(at, message.size()), std::string::npos);
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

  // The copy is scanned as the wrapper will be compiled: with the original's flags and its
  // directory searched for its quoted includes.
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
  job.args.push_back("-I" + out.original.parent_path().string());
  analyzers::ScanRequest request;
  request.target = context.request.target;
  request.source_dir = context.request.source_dir;
  request.sources.push_back(std::move(job));
  analyzers::TargetScan scan = analyzers::scan_target(request, context.options);
  if (scan.errors() > 0) {
    return util::unexpected(fmt::format(
        "it does not compile in {} ({}): {}", out.original.filename().string(), copy.string(),
        in_variant_terms(first_error(scan), copy.string(), spliced, original_path, variant_path)));
  }
  const analyzers::Unit* found = scan.find(unit.name);
  if (!found) {
    return util::unexpected(
        fmt::format("{} with the variant spliced in has no unit {}", copy.string(), unit.name));
  }
  out.unit = *found;
  return out;
}

util::Expected<std::string> wrapper_text(const fs::path& original,
                                         std::vector<const ShippedVariant*> variants) {
  std::string prologue =
      "// Generated by kevolve apply: do not edit (docs/cmake.md, \"Code variants\").\n";
  if (variants.empty()) {
    // The original itself, so that diagnostics and debuggers name it.
    std::string path = original.string();
    if (path.find_first_of("\n\r") != std::string::npos ||
        (path.find('"') != std::string::npos && path.find('>') != std::string::npos)) {
      return util::unexpected(fmt::format(
          "{}: no #include can name this path (a newline, or both '\"' and '>')", path));
    }
    bool quote = path.find('"') != std::string::npos;
    return prologue + fmt::format("#include {}{}{}\n", quote ? '<' : '"', path, quote ? '>' : '"');
  }
  auto text = util::read_file(original);
  if (!text) return util::unexpected(text.error());
  std::sort(variants.begin(), variants.end(),
            [](const ShippedVariant* a, const ShippedVariant* b) { return a->begin > b->begin; });
  std::string spliced = std::move(*text);
  std::string original_path = original.string();
  std::size_t previous_begin = spliced.size();
  for (const ShippedVariant* v : variants) {
    if (v->end > previous_begin) {
      return util::unexpected(
          fmt::format("{}: the kernels of two variants overlap", original_path));
    }
    std::string variant_path = v->file.string();
    // Splicing from the end keeps the offsets and line numbers before each extent the
    // original's.
    spliced =
        variant::splice({spliced, v->begin, v->end, v->code, original_path, variant_path}).text;
    previous_begin = v->begin;
  }
  // Lines before the first kernel are the original's too (a path with a newline cannot be
  // named: they keep the wrapper's name).
  if (original_path.find_first_of("\n\r") != std::string::npos) return prologue + spliced;
  std::string escaped;
  for (char c : original_path) {
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c;
  }
  return prologue + "#line 1 \"" + escaped + "\"\n" + spliced;
}

}  // namespace kevolve::tune
