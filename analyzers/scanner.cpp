#include "analyzers/scanner.hpp"

// How this works: each worker thread owns a libclang index and parses sources with a detailed
// preprocessing record, so macro expansions (KEVOLVE_PARAM, KEVOLVE_TUNE, a kernel's macros)
// are cursors with exact extents. The walk skips everything declared in system headers
// (the CUDA and HIP runtimes, the standard library) and looks only at functions, the
// namespaces and classes around them, and macros: a KEVOLVE_TUNE or KEVOLVE_BENCH marker is an
// annotate attribute on its function (the scanner defines KEVOLVE_SCAN).
//
// CUDA and HIP sources spend most of their parse in the runtime headers that clang includes
// implicitly. Those are parsed once per set of arguments into a precompiled prelude
// (<work>/prelude-<hash>.pch) that every source of the group loads with -include-pch; a
// prelude that no longer loads (headers changed) is rebuilt once, then skipped.

#include "analyzers/libclang.hpp"
#include "analyzers/scan_cache.hpp"
#include "analyzers/tokens.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

#include <clang-c/Index.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace kevolve::analyzers {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct Walker {
  CXTranslationUnit tu;
  FileFindings& out;
  std::map<std::string, std::string> contents;  // file -> text, for argument text
  std::map<void*, std::string> names;           // CXFile -> normalized path

  std::string file_name(CXFile file) {
    if (!file) return {};
    auto it = names.find(file);
    if (it != names.end()) return it->second;
    std::string name = take(clang_getFileName(file));
    std::error_code ec;
    fs::path p = fs::absolute(name, ec);
    std::string normal = (ec ? fs::path(name) : p).lexically_normal().string();
    names.emplace(file, normal);
    return normal;
  }

  Position position(CXSourceLocation loc) {
    CXFile file = nullptr;
    Position p;
    unsigned offset = 0;
    clang_getExpansionLocation(loc, &file, &p.line, &p.column, &offset);
    p.offset = offset;
    p.file = file_name(file);
    return p;
  }

  std::string_view content_of(const std::string& file, CXFile handle) {
    auto it = contents.find(file);
    if (it == contents.end()) {
      std::size_t size = 0;
      const char* data = handle ? clang_getFileContents(tu, handle, &size) : nullptr;
      it = contents.emplace(file, data ? std::string(data, size) : std::string()).first;
    }
    return it->second;
  }

  std::string_view content_at(CXSourceLocation loc) {
    CXFile file = nullptr;
    clang_getExpansionLocation(loc, &file, nullptr, nullptr, nullptr);
    return content_of(file_name(file), file);
  }

  // A read of a parameter: KEVOLVE_PARAM, or KEVOLVE_RUNTIME_PARAM (include/kevolve/launch.hpp),
  // which reads the same value at run time in device-only candidates and is compiled with it
  // everywhere else.
  static bool is_param_macro(std::string_view name) {
    return name == "KEVOLVE_PARAM" || name == "KEVOLVE_RUNTIME_PARAM";
  }

  void param_use(const Tokens& tokens, unsigned name_index, std::string_view content,
                 const std::set<std::string>& macro_params) {
    MacroArgs args = macro_args(tokens, name_index, content);
    if (!args.complete || args.text.size() != 3) return;
    if (macro_params.count(args.text[0]) || macro_params.count(args.text[1])) return;
    out.uses.push_back(
        {args.text[0], args.text[1], args.text[2], position(tokens.location(name_index))});
  }

  void macro_expansion(CXCursor c, const std::string& name) {
    if (is_param_macro(name)) {
      Tokens tokens(tu, clang_getCursorExtent(c));
      if (tokens.size() > 0) param_use(tokens, 0, content_at(clang_getCursorLocation(c)), {});
    } else if (name == "KEVOLVE_TUNE") {
      tune_marker(c);
    } else {
      out.expansions.push_back({name, {}, position(clang_getCursorLocation(c))});
    }
  }

  void tune_marker(CXCursor c) {
    Tokens tokens(tu, clang_getCursorExtent(c));
    TuneMarker marker;
    marker.where = position(clang_getCursorLocation(c));
    unsigned i = 0;
    while (i < tokens.size() && tokens.spelling(i) != ",") ++i;
    for (++i; i < tokens.size(); ++i) {
      if (tokens.kind(i) != CXToken_Literal) break;
      LiteralPiece piece;
      piece.source_offset = tokens.begin(i);
      if (!decode_literal(tokens.spelling(i), tokens.begin(i), piece.char_offsets)) break;
      marker.literals.push_back(std::move(piece));
    }
    out.markers.push_back(std::move(marker));
  }

  void macro_definition(CXCursor c, const std::string& name) {
    if (name.rfind("KEVOLVE_", 0) == 0) return;  // kevolve's own macros
    std::string_view content = content_at(clang_getCursorLocation(c));
    if (content.empty()) return;  // built-in and command-line macros have no file
    Tokens tokens(tu, clang_getCursorExtent(c));
    if (tokens.size() == 0) return;
    unsigned body = 1;
    std::set<std::string> params;
    if (clang_Cursor_isMacroFunctionLike(c)) {
      for (body = 2; body < tokens.size() && tokens.spelling(body) != ")"; ++body) {
        if (tokens.kind(body) == CXToken_Identifier) params.insert(tokens.spelling(body));
      }
      ++body;
    }
    std::string text;
    if (body < tokens.size())
      text = slice(content, tokens.begin(body), tokens.end(tokens.size() - 1));
    out.definitions.push_back({name, text, position(clang_getCursorLocation(c))});
    for (unsigned i = body; i + 1 < tokens.size(); ++i) {
      if (is_param_macro(tokens.spelling(i)) && tokens.spelling(i + 1) == "(") {
        param_use(tokens, i, content, params);
      }
    }
  }

  std::string qualified_name(CXCursor c) {
    std::string name = take(clang_getCursorSpelling(c));
    for (CXCursor p = clang_getCursorSemanticParent(c);
         !clang_Cursor_isNull(p) && clang_getCursorKind(p) != CXCursor_TranslationUnit;
         p = clang_getCursorSemanticParent(p)) {
      std::string scope = take(clang_getCursorSpelling(p));
      if (!scope.empty()) name = scope + "::" + name;
    }
    return name;
  }

  // The canonical function type; of a function template, that of its templated declaration.
  static std::string signature_of(CXCursor c) {
    CXType type = clang_getCanonicalType(clang_getCursorType(c));
    return type.kind == CXType_Invalid ? std::string() : take(clang_getTypeSpelling(type));
  }

  // A template parameter's default argument as written: the tokens after its '=' up to the ','
  // or '>' that ends it. (The cursor's own extent stops short when the default is a macro.)
  std::string default_text(CXCursor param, CXCursor function) {
    CXSourceRange range = clang_getRange(clang_getRangeStart(clang_getCursorExtent(param)),
                                         clang_getRangeEnd(clang_getCursorExtent(function)));
    Tokens tokens(tu, range);
    std::string_view content = content_at(clang_getCursorLocation(param));
    unsigned i = 0;
    int depth = 0;
    for (; i < tokens.size(); ++i) {
      std::string t = tokens.spelling(i);
      if (t == "(" || t == "[" || t == "{") ++depth;
      if (t == ")" || t == "]" || t == "}") --depth;
      if (depth == 0 && (t == "," || t == ">")) return {};  // no default
      if (depth == 0 && t == "=") break;
    }
    std::size_t first = ++i;
    int angles = 0;
    for (depth = 0; i < tokens.size(); ++i) {
      std::string t = tokens.spelling(i);
      if (t == "(" || t == "[" || t == "{") ++depth;
      if (t == ")" || t == "]" || t == "}") --depth;
      if (depth == 0 && t == "<") ++angles;
      if (depth == 0 && (t == ">" || t == ">>")) {
        angles -= t == ">" ? 1 : 2;
        if (angles < 0) break;
      }
      if (depth < 0 || (depth == 0 && angles == 0 && t == ",")) break;
    }
    if (first >= i) return {};
    return std::string(
        slice(content, tokens.begin(static_cast<unsigned>(first)), tokens.end(i - 1)));
  }

  void function(CXCursor c) {
    struct Seen {
      Walker* self;
      CXCursor function;
      AnnotatedFunction fn;
      bool annotated = false;
    } seen{this, c, {}, false};
    clang_visitChildren(
        c,
        [](CXCursor child, CXCursor, CXClientData data) {
          auto& s = *static_cast<Seen*>(data);
          CXCursorKind kind = clang_getCursorKind(child);
          if (kind == CXCursor_AnnotateAttr) {
            std::string text = take(clang_getCursorSpelling(child));
            if (text.rfind("kevolve:", 0) == 0) {
              s.fn.annotation = std::move(text);
              s.fn.marker = s.self->position(clang_getCursorLocation(child));
              s.annotated = true;
            }
          } else if (kind == CXCursor_CompoundStmt) {
            CXSourceRange r = clang_getCursorExtent(child);
            s.fn.body_begin = Tokens::offset_of(clang_getRangeStart(r));
            s.fn.body_end = Tokens::offset_of(clang_getRangeEnd(r));
            s.fn.has_body = true;
          } else if (kind == CXCursor_TemplateTypeParameter ||
                     kind == CXCursor_NonTypeTemplateParameter ||
                     kind == CXCursor_TemplateTemplateParameter) {
            TemplateParam p;
            p.name = take(clang_getCursorSpelling(child));
            p.kind = kind == CXCursor_TemplateTypeParameter      ? "type"
                     : kind == CXCursor_NonTypeTemplateParameter ? "non-type"
                                                                 : "template";
            if (kind == CXCursor_NonTypeTemplateParameter) {
              p.type = take(clang_getTypeSpelling(clang_getCursorType(child)));
            }
            p.default_text = s.self->default_text(child, s.function);
            s.fn.template_params.push_back(std::move(p));
          }
          return CXChildVisit_Continue;
        },
        &seen);
    if (!seen.annotated) return;
    AnnotatedFunction& fn = seen.fn;
    fn.name = position(clang_getCursorLocation(c));
    fn.function = qualified_name(c);
    fn.signature = signature_of(c);
    CXSourceRange extent = clang_getCursorExtent(c);
    fn.begin = Tokens::offset_of(clang_getRangeStart(extent));
    fn.end = Tokens::offset_of(clang_getRangeEnd(extent));
    if (!fn.has_body) fn.body_begin = fn.body_end = fn.end;
    // The kernel's text includes its marker, also where clang's extent starts after it.
    if (fn.marker.file == fn.name.file && fn.marker.offset < fn.begin) fn.begin = fn.marker.offset;
    out.functions.push_back(std::move(fn));
  }

  static CXChildVisitResult visit(CXCursor c, CXCursor, CXClientData data) {
    auto& self = *static_cast<Walker*>(data);
    CXSourceLocation loc = clang_getCursorLocation(c);
    if (clang_Location_isInSystemHeader(loc)) return CXChildVisit_Continue;
    switch (clang_getCursorKind(c)) {
      case CXCursor_MacroExpansion:
        self.macro_expansion(c, take(clang_getCursorSpelling(c)));
        return CXChildVisit_Continue;
      case CXCursor_MacroDefinition:
        self.macro_definition(c, take(clang_getCursorSpelling(c)));
        return CXChildVisit_Continue;
      case CXCursor_Namespace:
      case CXCursor_ClassDecl:
      case CXCursor_StructDecl:
      case CXCursor_UnionDecl:
      case CXCursor_ClassTemplate:
      case CXCursor_ClassTemplatePartialSpecialization:
      case CXCursor_LinkageSpec:
      case CXCursor_UnexposedDecl:
        return CXChildVisit_Recurse;
      case CXCursor_FunctionDecl:
      case CXCursor_FunctionTemplate:
      case CXCursor_CXXMethod:
      case CXCursor_Constructor:
      case CXCursor_Destructor:
      case CXCursor_ConversionFunction:
        self.function(c);
        return CXChildVisit_Continue;
      default:
        return CXChildVisit_Continue;
    }
  }
};

void collect_errors(CXTranslationUnit tu, Walker& walker, FileFindings& out) {
  constexpr unsigned k_max_errors = 5;
  unsigned n = clang_getNumDiagnostics(tu);
  unsigned errors = 0;
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error && ++errors <= k_max_errors) {
      Position where = walker.position(clang_getDiagnosticLocation(d));
      if (where.file.empty()) where.file = out.file;
      out.errors.push_back({where, take(clang_getDiagnosticSpelling(d))});
    }
    clang_disposeDiagnostic(d);
  }
  if (errors > k_max_errors) {
    out.errors.push_back({Position{out.file, 0, 0, 0},
                          fmt::format("... and {} more errors", errors - k_max_errors)});
  }
}

// The files this source reads outside system headers, and kevolve's own headers (often found
// as system headers, through kevolve::headers): what a build must watch to know when the
// scan's result may change. A new kevolve installed at the same path changes the scan.
void collect_inputs(CXTranslationUnit tu, Walker& walker, FileFindings& out) {
  struct Context {
    CXTranslationUnit tu;
    Walker* walker;
    std::set<std::string> files;
  } context{tu, &walker, {}};
  clang_getInclusions(
      tu,
      [](CXFile file, CXSourceLocation*, unsigned, CXClientData data) {
        auto& c = *static_cast<Context*>(data);
        std::string name = c.walker->file_name(file);
        bool system = clang_Location_isInSystemHeader(clang_getLocationForOffset(c.tu, file, 0));
        bool kevolve = name.find("/include/kevolve/") != std::string::npos;
        if ((!system || kevolve) && !name.empty() && name.front() == '/') c.files.insert(name);
      },
      &context);
  out.inputs.assign(context.files.begin(), context.files.end());
}

std::vector<const char*> c_args(const std::vector<std::string>& args) {
  std::vector<const char*> out;
  for (const std::string& a : args) out.push_back(a.c_str());
  return out;
}

constexpr unsigned k_parse_options =
    CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;

// Parses one file; `pch` may be empty. Returns the libclang error code.
CXErrorCode parse_file(CXIndex index, const SourceJob& job, const std::string& pch,
                       const ParseOptions& options, FileFindings& out) {
  std::vector<std::string> args = job.args;
  if (!pch.empty()) {
    args.push_back("-include-pch");
    args.push_back(pch);
  }
  auto argv = c_args(args);
  CXTranslationUnit tu = nullptr;
  CXErrorCode code =
      clang_parseTranslationUnit2(index, job.file.c_str(), argv.data(),
                                  static_cast<int>(argv.size()), nullptr, 0, k_parse_options, &tu);
  if (code != CXError_Success || !tu) return code == CXError_Success ? CXError_Failure : code;
  out = findings_of(tu, job.file);
  if (options.inspect && job.file == options.inspect_file) options.inspect(tu);
  clang_disposeTranslationUnit(tu);
  return CXError_Success;
}

// A precompiled prelude per distinct argument list of CUDA and HIP jobs.
class Preludes {
 public:
  Preludes(const fs::path& work_dir, ParseStats& stats) : m_dir(work_dir), m_stats(stats) {}

  // Builds (or finds) the prelude for these arguments; "" when there is none to use.
  std::string prepare(CXIndex index, const SourceJob& job) {
    if (job.language != Language::cuda && job.language != Language::hip) return {};
    std::string key = util::Hasher()
                          .add(libclang_version())
                          .add(fmt::format("{}", fmt::join(job.args, "\n")))
                          .digest();
    std::lock_guard lock(m_mutex);
    auto it = m_paths.find(key);
    if (it != m_paths.end()) return it->second;
    std::string path = (m_dir / fmt::format("prelude-{}.pch", key.substr(5, 16))).string();
    std::error_code ec;
    if (fs::exists(path, ec)) {
      ++m_stats.preludes_reused;
    } else if (!build(index, job, path)) {
      path.clear();
    }
    m_paths[key] = path;
    return path;
  }

  // A prelude that failed to load: rebuild it once, then give up on it.
  std::string replace(CXIndex index, const SourceJob& job, const std::string& broken) {
    std::lock_guard lock(m_mutex);
    for (auto& [key, path] : m_paths) {
      if (path != broken) continue;
      if (m_rebuilt.insert(key).second && build(index, job, path)) return path;
      path.clear();
      return {};
    }
    return {};
  }

 private:
  bool build(CXIndex index, const SourceJob& job, const std::string& path) {
    auto start = Clock::now();
    fs::path source = m_dir / (job.language == Language::cuda ? "prelude.cu" : "prelude.hip");
    // The CUDA runtime is included by clang itself; HIP sources include it by hand.
    std::string text = job.language == Language::hip ? "#include <hip/hip_runtime.h>\n"
                                                     : "// kevolve scan prelude\n";
    if (!util::ensure_directory(m_dir) || !util::write_file_atomically(source, text)) return false;
    auto argv = c_args(job.args);
    CXTranslationUnit tu = nullptr;
    CXErrorCode code = clang_parseTranslationUnit2(
        index, source.c_str(), argv.data(), static_cast<int>(argv.size()), nullptr, 0,
        CXTranslationUnit_ForSerialization | CXTranslationUnit_Incomplete, &tu);
    bool ok = code == CXError_Success && tu;
    if (ok) {
      std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
      ok = clang_saveTranslationUnit(tu, temporary.c_str(), 0) == CXSaveError_None;
      std::error_code ec;
      if (ok) fs::rename(temporary, path, ec);
      ok = ok && !ec;
      if (!ok) fs::remove(temporary, ec);
    }
    if (tu) clang_disposeTranslationUnit(tu);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    m_stats.prelude_seconds += seconds;
    if (ok) ++m_stats.preludes_built;
    KEVOLVE_LOG("scan: prelude {} for {} {} in {:.2f} s", ok ? "built" : "failed",
                name_of(job.language), path, seconds);
    return ok;
  }

  fs::path m_dir;
  ParseStats& m_stats;
  std::mutex m_mutex;
  std::map<std::string, std::string> m_paths;
  std::set<std::string> m_rebuilt;
};

}  // namespace

FileFindings findings_of(CXTranslationUnit tu, const fs::path& file) {
  FileFindings out;
  out.file = file.string();
  Walker walker{tu, out, {}, {}};
  collect_errors(tu, walker, out);
  collect_inputs(tu, walker, out);
  clang_visitChildren(clang_getTranslationUnitCursor(tu), &Walker::visit, &walker);
  out.parsed = true;
  return out;
}

std::vector<FileFindings> parse_sources(const std::vector<SourceJob>& jobs,
                                        const ParseOptions& options, ParseStats* stats_out) {
  ParseStats stats;
  std::vector<FileFindings> results(jobs.size());
  Preludes preludes(options.work_dir, stats);
  ScanCache cache(options.cache_dir);

  // What the cache knows needs no parse; what is left gets its prelude first, each once, so
  // that parallel workers do not race to build the same one.
  std::vector<bool> done(jobs.size(), false);
  auto inspected = [&](const SourceJob& job) {
    return options.inspect && job.file == options.inspect_file;
  };
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (inspected(jobs[i])) continue;
    if (auto found = cache.find(jobs[i])) {
      results[i] = std::move(*found);
      done[i] = true;
      ++stats.cached;
    }
  }
  std::vector<std::string> pch(jobs.size());
  if (options.use_prelude && !options.work_dir.empty()) {
    CXIndex index = clang_createIndex(1, 0);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (!done[i]) pch[i] = preludes.prepare(index, jobs[i]);
    }
    clang_disposeIndex(index);
  }

  // One job, with the prelude rebuilt once or dropped if it does not load.
  auto parse_one = [&](CXIndex index, const SourceJob& job, const std::string& prelude,
                       FileFindings& out) {
    CXErrorCode code = parse_file(index, job, prelude, options, out);
    if (code == CXError_ASTReadError && !prelude.empty()) {
      KEVOLVE_LOG("scan: prelude {} does not load for {}; rebuilding", prelude, job.file.string());
      out = FileFindings{};
      out.file = job.file.string();
      std::string again = preludes.replace(index, job, prelude);
      code = parse_file(index, job, again, options, out);
      if (code == CXError_ASTReadError) {
        out = FileFindings{};
        out.file = job.file.string();
        code = parse_file(index, job, "", options, out);
      }
    }
    if (code != CXError_Success) {
      out.errors.push_back(
          {Position{out.file, 0, 0, 0},
           fmt::format("libclang could not parse it (error {})", static_cast<int>(code))});
    }
  };

  auto start = Clock::now();
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    CXIndex index = clang_createIndex(1, 0);
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      if (done[i]) continue;
      const SourceJob& job = jobs[i];
      FileFindings& out = results[i];
      out.file = job.file.string();
      auto begin = Clock::now();
      try {
        parse_one(index, job, pch[i], out);
      } catch (const std::exception& e) {
        out.errors.push_back(
            {Position{out.file, 0, 0, 0}, fmt::format("scanning failed: {}", e.what())});
      }
      out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
      KEVOLVE_LOG("scan: {} in {:.3f} s{}", out.file, out.seconds,
                  pch[i].empty() ? "" : " (prelude)");
      if (!inspected(job)) cache.store(job, out);
    }
    clang_disposeIndex(index);
  };
  unsigned threads =
      options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  threads =
      std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(jobs.size(), 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  stats.parse_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (stats_out) *stats_out = stats;
  return results;
}

}  // namespace kevolve::analyzers
