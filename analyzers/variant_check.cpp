#include "analyzers/variant_check.hpp"

// How this works (docs/variants.md, "Checks"): three passes over the patched file, the second and
// third on one parse (ParseOptions::inspect).
//  1. Its text: the variant's preprocessor lines (#include beyond the allow-list, #define
//     beyond a constant, #undef, #line) and `asm` keywords, read line by line.
//  2. Its AST, parsed by libclang with the target's flags: its first errors, and every cursor
//     (of a partial AST too) whose expansion location lies in the variant's range is judged by what
//     it refers to (clang_getCursorReferenced, qualified names without inline namespaces), so a
//     `using namespace`, an alias or a macro defined elsewhere hides nothing: a macro's
//     expansion is located at its use. Declarations are judged by storage (static or global
//     mutable state), statements by kind (inline asm).
//  3. The target's scan with the patched file in place of the original (scan_target): the
//     unit must come out of the variant's range under its own name, with the original's
//     signature, and without errors (the same checks as any scan: its space builds, its
//     parameters are declared).
// What a static check cannot see (a kernel that reads out of bounds, a result computed by a
// cheaper wrong algorithm, behaviour that depends on the input) is left to the harness's
// protocol, which judges every variant like any candidate.

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <clang-c/Index.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <set>
#include <string_view>

namespace kevolve::analyzers {

namespace fs = std::filesystem;

namespace {

std::string take_string(CXString s) {
  const char* text = clang_getCString(s);
  std::string out = text ? text : "";
  clang_disposeString(s);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The red flags: a name, how it matches a qualified name, and why it is refused.

enum class Match { exact, scope, prefix };

struct RedFlag {
  std::string_view name;
  Match match;
  std::string_view reason;
};

constexpr std::string_view k_thread = "starts a thread";
constexpr std::string_view k_process = "runs or loads a program";
constexpr std::string_view k_environment = "reads or changes the environment";
constexpr std::string_view k_gpu_objects = "creates a stream, an event or a graph";
constexpr std::string_view k_timing = "reads a clock";
constexpr std::string_view k_io = "does I/O";

constexpr std::array k_red_flags{
    RedFlag{"std::thread", Match::scope, k_thread},
    RedFlag{"std::jthread", Match::scope, k_thread},
    RedFlag{"std::async", Match::exact, k_thread},
    RedFlag{"pthread_create", Match::exact, k_thread},
    RedFlag{"thrd_create", Match::exact, k_thread},
    RedFlag{"fork", Match::exact, k_process},
    RedFlag{"vfork", Match::exact, k_process},
    RedFlag{"exec", Match::prefix, k_process},  // execl, execv, execve, execvp, ...
    RedFlag{"fexecve", Match::exact, k_process},
    RedFlag{"system", Match::exact, k_process},
    RedFlag{"popen", Match::exact, k_process},
    RedFlag{"posix_spawn", Match::prefix, k_process},
    RedFlag{"dlopen", Match::exact, k_process},
    RedFlag{"syscall", Match::exact, k_process},
    RedFlag{"getenv", Match::exact, k_environment},
    RedFlag{"secure_getenv", Match::exact, k_environment},
    RedFlag{"setenv", Match::exact, k_environment},
    RedFlag{"unsetenv", Match::exact, k_environment},
    RedFlag{"putenv", Match::exact, k_environment},
    RedFlag{"clearenv", Match::exact, k_environment},
    RedFlag{"environ", Match::exact, k_environment},
    RedFlag{"cudaStreamCreate", Match::prefix, k_gpu_objects},
    RedFlag{"cudaEventCreate", Match::prefix, k_gpu_objects},
    RedFlag{"cudaGraph", Match::prefix, k_gpu_objects},
    RedFlag{"cuStreamCreate", Match::prefix, k_gpu_objects},
    RedFlag{"cuEventCreate", Match::prefix, k_gpu_objects},
    RedFlag{"cuGraph", Match::prefix, k_gpu_objects},
    RedFlag{"hipStreamCreate", Match::prefix, k_gpu_objects},
    RedFlag{"hipEventCreate", Match::prefix, k_gpu_objects},
    RedFlag{"hipGraph", Match::prefix, k_gpu_objects},
    RedFlag{"clock", Match::exact, k_timing},
    RedFlag{"clock64", Match::exact, k_timing},
    RedFlag{"clock_gettime", Match::exact, k_timing},
    RedFlag{"gettimeofday", Match::exact, k_timing},
    RedFlag{"time", Match::exact, k_timing},
    RedFlag{"timespec_get", Match::exact, k_timing},
    RedFlag{"__rdtsc", Match::exact, k_timing},
    RedFlag{"__rdtscp", Match::exact, k_timing},
    RedFlag{"_rdtsc", Match::exact, k_timing},
    RedFlag{"__builtin_ia32_rdtsc", Match::exact, k_timing},
    RedFlag{"__builtin_ia32_rdtscp", Match::exact, k_timing},
    RedFlag{"__builtin_readcyclecounter", Match::exact, k_timing},
    RedFlag{"__builtin_readsteadycounter", Match::exact, k_timing},
    RedFlag{"__globaltimer", Match::exact, k_timing},
    RedFlag{"__nvvm_read_ptx_sreg_globaltimer", Match::exact, k_timing},
    RedFlag{"__nvvm_read_ptx_sreg_clock", Match::prefix, k_timing},
    RedFlag{"wall_clock64", Match::exact, k_timing},
    RedFlag{"cudaEventElapsedTime", Match::exact, k_timing},
    RedFlag{"hipEventElapsedTime", Match::exact, k_timing},
    RedFlag{"printf", Match::exact, k_io},
    RedFlag{"fprintf", Match::exact, k_io},
    RedFlag{"vprintf", Match::exact, k_io},
    RedFlag{"vfprintf", Match::exact, k_io},
    RedFlag{"dprintf", Match::exact, k_io},
    RedFlag{"puts", Match::exact, k_io},
    RedFlag{"fputs", Match::exact, k_io},
    RedFlag{"putchar", Match::exact, k_io},
    RedFlag{"fputc", Match::exact, k_io},
    RedFlag{"putc", Match::exact, k_io},
    RedFlag{"fwrite", Match::exact, k_io},
    RedFlag{"fread", Match::exact, k_io},
    RedFlag{"fgets", Match::exact, k_io},
    RedFlag{"fgetc", Match::exact, k_io},
    RedFlag{"getchar", Match::exact, k_io},
    RedFlag{"scanf", Match::exact, k_io},
    RedFlag{"fscanf", Match::exact, k_io},
    RedFlag{"fopen", Match::exact, k_io},
    RedFlag{"freopen", Match::exact, k_io},
    RedFlag{"fflush", Match::exact, k_io},
    RedFlag{"perror", Match::exact, k_io},
    RedFlag{"open", Match::exact, k_io},
    RedFlag{"openat", Match::exact, k_io},
    RedFlag{"creat", Match::exact, k_io},
    RedFlag{"read", Match::exact, k_io},
    RedFlag{"write", Match::exact, k_io},
    RedFlag{"pread", Match::exact, k_io},
    RedFlag{"pwrite", Match::exact, k_io},
    RedFlag{"mmap", Match::exact, k_io},
    RedFlag{"socket", Match::exact, k_io},
    RedFlag{"stdout", Match::exact, k_io},
    RedFlag{"stderr", Match::exact, k_io},
    RedFlag{"stdin", Match::exact, k_io},
    RedFlag{"std::cout", Match::exact, k_io},
    RedFlag{"std::cerr", Match::exact, k_io},
    RedFlag{"std::clog", Match::exact, k_io},
    RedFlag{"std::cin", Match::exact, k_io},
    RedFlag{"std::wcout", Match::exact, k_io},
    RedFlag{"std::wcerr", Match::exact, k_io},
    RedFlag{"std::basic_ofstream", Match::scope, k_io},
    RedFlag{"std::basic_ifstream", Match::scope, k_io},
    RedFlag{"std::basic_fstream", Match::scope, k_io},
    RedFlag{"std::basic_filebuf", Match::scope, k_io},
    RedFlag{"std::ofstream", Match::scope, k_io},
    RedFlag{"std::ifstream", Match::scope, k_io},
    RedFlag{"std::fstream", Match::scope, k_io},
    RedFlag{"std::print", Match::exact, k_io},
    RedFlag{"std::println", Match::exact, k_io},
};

bool matches(const RedFlag& flag, std::string_view name) {
  switch (flag.match) {
    case Match::exact:
      return name == flag.name;
    case Match::scope:
      return name == flag.name ||
             (name.size() > flag.name.size() + 2 && name.substr(0, flag.name.size()) == flag.name &&
              name.substr(flag.name.size(), 2) == "::");
    case Match::prefix:
      return name.substr(0, flag.name.size()) == flag.name;
  }
  return false;
}

// The reason a qualified name is refused, or empty. The C library's names are also reached as
// std::name; the clocks of std::chrono by their now().
std::string_view red_flag(std::string_view name) {
  if (name.empty()) return {};
  if (name.substr(0, 13) == "std::chrono::" && name.size() > 18 &&
      name.substr(name.size() - 5) == "::now")
    return k_timing;
  std::string_view plain = name.substr(0, 5) == "std::" ? name.substr(5) : name;
  for (const RedFlag& flag : k_red_flags) {
    if (matches(flag, name)) return flag.reason;
    if (flag.match != Match::scope && flag.name.find("::") == std::string_view::npos &&
        plain != name && matches(flag, plain))
      return flag.reason;
  }
  return {};
}

// Headers a variant may include beyond those its file already includes (docs/variants.md):
// maths, fixed-width types, algorithms without threads, vector intrinsics and the GPU
// runtimes' half types, cooperative groups and block primitives.
constexpr std::array<std::string_view, 28> k_allowed_includes{
    "algorithm",
    "array",
    "cfloat",
    "climits",
    "cmath",
    "cstddef",
    "cstdint",
    "float.h",
    "limits",
    "limits.h",
    "math.h",
    "numeric",
    "stddef.h",
    "stdint.h",
    "type_traits",
    "utility",
    "immintrin.h",
    "arm_neon.h",
    "cuda_fp16.h",
    "cuda_bf16.h",
    "cooperative_groups.h",
    "cuda_runtime.h",
    "cuda_pipeline.h",  // asynchronous global-to-shared copies (cp.async) without assembly
    "cuda_pipeline_primitives.h",
    "hip/hip_runtime.h",
    "hip/hip_fp16.h",
    "hip/hip_bf16.h",
    "cub/cub.cuh",
};

}  // namespace

std::vector<std::string_view> allowed_includes() {
  return {k_allowed_includes.begin(), k_allowed_includes.end()};
}

namespace {

std::string allowed_list() {
  std::string out;
  for (std::string_view h : k_allowed_includes)
    out += fmt::format("{}<{}>", out.empty() ? "" : " ", h);
  return out;
}

// ---------------------------------------------------------------------------------------------

struct Rejection {
  unsigned line = 0;  // in the variant's text; 0: none
  std::string text;
};

class Refusals {
 public:
  // `key`: what makes two refusals on one line the same (default: their text).
  void add(unsigned line, std::string text, std::string_view key = {}) {
    if (m_seen.insert({line, key.empty() ? text : std::string(key)}).second)
      m_list.push_back({line, std::move(text)});
  }
  bool empty() const { return m_list.empty(); }

  std::vector<std::string> lines() && {
    constexpr std::size_t k_max = 20;
    std::stable_sort(m_list.begin(), m_list.end(),
                     [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
    std::vector<std::string> out;
    for (const Rejection& r : m_list) {
      if (out.size() == k_max) {
        out.push_back(fmt::format("... and {} more", m_list.size() - k_max));
        break;
      }
      out.push_back(r.line ? fmt::format("line {}: {}", r.line, r.text) : r.text);
    }
    return out;
  }

 private:
  std::vector<Rejection> m_list;
  std::set<std::pair<unsigned, std::string>> m_seen;
};

// The patched file's text and the variant's range in it.
struct Patched {
  std::string path;
  std::string parsed_as;  // the name libclang knows it by (VariantChecker: the first variant's)
  std::string text;
  std::size_t begin = 0;
  std::size_t end = 0;

  std::vector<std::size_t> line_starts;  // of the variant's lines, for variant_line

  void index_lines() {
    line_starts.assign(1, begin);
    for (std::size_t i = begin; i < end; ++i) {
      if (text[i] == '\n') line_starts.push_back(i + 1);
    }
  }
  bool in_range(std::size_t offset) const { return offset >= begin && offset < end; }
  unsigned variant_line(std::size_t offset) const {
    auto after = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
    return static_cast<unsigned>(std::max<std::ptrdiff_t>(1, after - line_starts.begin()));
  }
  // The line the #line directives give `offset` outside the variant: "file:line".
  std::string presumed(std::size_t offset) const {
    std::string_view t = text;
    offset = std::min(offset, t.size());
    std::size_t line = 1;
    std::string file = path;
    for (std::size_t pos = 0; pos < offset;) {
      std::size_t nl = t.find('\n', pos);
      if (nl == std::string_view::npos || nl >= offset) break;
      std::string_view l = t.substr(pos, nl - pos);
      if (l.substr(0, 6) == "#line ") {
        std::string_view rest = l.substr(6);
        auto number = util::parse_int(rest.substr(0, rest.find(' ')));
        auto quote = l.find('"');
        if (number && *number >= 1) line = static_cast<std::size_t>(*number) - 1;
        if (quote != std::string_view::npos && l.size() > quote + 1)
          file = std::string(l.substr(quote + 1, l.rfind('"') - quote - 1));
      }
      ++line;
      pos = nl + 1;
    }
    return fmt::format("{}:{}", file, line);
  }
  std::string_view variant() const { return std::string_view(text).substr(begin, end - begin); }
};

// ---------------------------------------------------------------------------------------------
// Pass 1: the variant's text.

bool trivially_constant(std::string_view body) {
  body = util::trim(body);
  if (body.empty()) return false;
  for (std::size_t i = 0; i < body.size();) {
    char c = body[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      while (i < body.size() && (std::isalnum(static_cast<unsigned char>(body[i])) ||
                                 body[i] == '.' || body[i] == '\''))
        ++i;
    } else if (std::string_view(" \t+-*/%<>&|^~()").find(c) != std::string_view::npos) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

void check_directive(std::string_view line, unsigned number, const std::string& original_text,
                     Refusals& out) {
  std::size_t i = line.find('#') + 1;
  while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  std::size_t name_end = i;
  while (name_end < line.size() && std::isalpha(static_cast<unsigned char>(line[name_end])))
    ++name_end;
  std::string_view directive = line.substr(i, name_end - i);
  std::string_view rest = util::trim(line.substr(name_end));
  if (directive == "include" || directive == "include_next" || directive == "import") {
    std::string_view header;
    if (!rest.empty() && (rest[0] == '<' || rest[0] == '"')) {
      auto close = rest.find(rest[0] == '<' ? '>' : '"', 1);
      if (close != std::string_view::npos) header = rest.substr(1, close - 1);
    }
    bool angled = !rest.empty() && rest[0] == '<';
    bool listed = angled && std::find(k_allowed_includes.begin(), k_allowed_includes.end(),
                                      header) != k_allowed_includes.end();
    bool already =
        !header.empty() &&
        original_text.find(std::string(rest.substr(0, header.size() + 2))) != std::string::npos;
    if (header.empty()) {
      out.add(number, fmt::format("#{} {}: an include through a macro", directive, rest));
    } else if (directive != "include" || !(listed || already)) {
      out.add(number, fmt::format("#{} {}: not on the allow-list ({}) nor included by the "
                                  "original file",
                                  directive, rest.substr(0, header.size() + 2), allowed_list()));
    }
  } else if (directive == "define") {
    std::size_t n = 0;
    while (n < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[n])) || rest[n] == '_'))
      ++n;
    std::string_view name = rest.substr(0, n);
    bool function_like = n < rest.size() && rest[n] == '(';
    if (name.substr(0, 8) == "KEVOLVE_") {
      out.add(number, fmt::format("#define {}: redefines one of kevolve's macros", name));
    } else if (function_like || !trivially_constant(rest.substr(n))) {
      out.add(number, fmt::format("#define {}: a variant's macros may only stand for a constant "
                                  "number (a macro can hide what it does)",
                                  name));
    }
  } else if (directive == "undef") {
    out.add(number, fmt::format("#undef {}: a variant may not undefine macros", rest));
  } else if (directive == "line" || (directive.empty() && !rest.empty() &&
                                     std::isdigit(static_cast<unsigned char>(rest[0])))) {
    out.add(number, "#line: a variant's lines must map to its own file");
  }
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Preprocessor lines (continuations joined) and `asm` keywords outside comments and literals.
void check_text(const Patched& patched, const std::string& original_text, Refusals& out) {
  std::string_view code = patched.variant();
  bool in_comment = false;
  unsigned number = 0;
  for (std::size_t pos = 0; pos < code.size();) {
    ++number;
    unsigned first = number;
    std::string logical;
    std::size_t next = pos;
    for (;;) {  // joins lines that end in a backslash
      std::size_t nl = code.find('\n', next);
      std::size_t stop = nl == std::string_view::npos ? code.size() : nl;
      std::string_view piece = code.substr(next, stop - next);
      if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
      next = nl == std::string_view::npos ? code.size() : nl + 1;
      if (!piece.empty() && piece.back() == '\\' && next < code.size()) {
        logical.append(piece.substr(0, piece.size() - 1));
        ++number;
        continue;
      }
      logical.append(piece);
      break;
    }
    pos = next;
    // Strips comments from the line, carrying a block comment to the next one. `plain` keeps
    // the literals' text (an include's name), `code_only` only their quotes.
    std::string plain, code_only;
    for (std::size_t i = 0; i < logical.size(); ++i) {
      if (in_comment) {
        if (logical.compare(i, 2, "*/") == 0) in_comment = false, ++i;
        continue;
      }
      if (logical.compare(i, 2, "/*") == 0) {
        in_comment = true;
        ++i;
        plain += ' ';
        code_only += ' ';
      } else if (logical.compare(i, 2, "//") == 0) {
        break;
      } else if (logical[i] == '"' || logical[i] == '\'') {
        char quote = logical[i];
        plain += quote;
        for (++i; i < logical.size() && logical[i] != quote; ++i) {
          if (logical[i] == '\\') ++i;
          if (i < logical.size()) plain += logical[i];
        }
        plain += quote;
        code_only += "\"\"";
      } else {
        plain += logical[i];
        code_only += logical[i];
      }
    }
    std::string_view trimmed = util::trim(plain);
    if (!trimmed.empty() && trimmed[0] == '#') {
      check_directive(trimmed, first, original_text, out);
      continue;
    }
    for (std::size_t i = 0; i < code_only.size();) {
      if (!is_word_char(code_only[i])) {
        ++i;
        continue;
      }
      std::size_t start = i;
      while (i < code_only.size() && is_word_char(code_only[i])) ++i;
      std::string_view word = std::string_view(code_only).substr(start, i - start);
      if (word == "asm" || word == "__asm" || word == "__asm__")
        out.add(first, fmt::format("inline assembly ({})", word));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pass 2: the AST.

// Names of the functions a harness file declares or defines at namespace scope, read from its
// text: the unit's reference lives there.
std::set<std::string> harness_functions(const std::string& text) {
  std::set<std::string> names;
  int depth = 0;
  bool transparent_next = false;  // the next '{' opens a namespace or extern "C"
  std::vector<bool> transparent;
  std::string last_word;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (text.compare(i, 2, "//") == 0) {
      i = text.find('\n', i);
      if (i == std::string::npos) break;
    } else if (text.compare(i, 2, "/*") == 0) {
      i = text.find("*/", i + 2);
      if (i == std::string::npos) break;
      i += 2;
    } else if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c && text[i] != '\n'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
      if (last_word == "extern") transparent_next = true;
    } else if (is_word_char(c)) {
      std::size_t start = i;
      while (i < text.size() && is_word_char(text[i])) ++i;
      last_word = text.substr(start, i - start);
      if (last_word == "namespace") transparent_next = true;
      std::size_t next = i;
      while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
      if (depth == 0 && next < text.size() && text[next] == '(' &&
          !std::isdigit(static_cast<unsigned char>(last_word[0])))
        names.insert(last_word);
    } else {
      if (c == '{') {
        transparent.push_back(transparent_next);
        if (!transparent_next) ++depth;
        transparent_next = false;
      } else if (c == '}' && !transparent.empty()) {
        if (!transparent.back()) --depth;
        transparent.pop_back();
      } else if (c == ';') {
        transparent_next = false;
      }
      ++i;
    }
  }
  return names;
}

struct AstContext {
  const Patched& patched;
  const std::set<std::string>& harness_names;
  const std::set<std::string>& harness_files;
  std::string reference;  // kevolve_bench_<unit>
  Refusals& out;
  CXFile file = nullptr;  // the patched file in the translation unit being walked
};

std::string file_of(CXSourceLocation loc, unsigned* offset = nullptr) {
  CXFile file = nullptr;
  clang_getExpansionLocation(loc, &file, nullptr, nullptr, offset);
  if (!file) return {};
  std::string name = take_string(clang_getFileName(file));
  std::error_code ec;
  fs::path p = fs::absolute(name, ec);
  return (ec ? fs::path(name) : p).lexically_normal().string();
}

// "ns::Class::name", without inline and anonymous namespaces.
std::string qualified_name(CXCursor c) {
  std::string name = take_string(clang_getCursorSpelling(c));
  for (CXCursor p = clang_getCursorSemanticParent(c);
       !clang_Cursor_isNull(p) && clang_getCursorKind(p) != CXCursor_TranslationUnit;
       p = clang_getCursorSemanticParent(p)) {
    if (clang_getCursorKind(p) == CXCursor_Namespace && clang_Cursor_isInlineNamespace(p)) continue;
    std::string scope = take_string(clang_getCursorSpelling(p));
    if (!scope.empty()) name = scope + "::" + name;
  }
  return name;
}

bool is_function(CXCursorKind kind) {
  return kind == CXCursor_FunctionDecl || kind == CXCursor_FunctionTemplate ||
         kind == CXCursor_CXXMethod;
}

bool is_local(CXCursor variable) {
  CXCursorKind parent = clang_getCursorKind(clang_getCursorSemanticParent(variable));
  return is_function(parent) || parent == CXCursor_Constructor || parent == CXCursor_Destructor ||
         parent == CXCursor_ConversionFunction || parent == CXCursor_LambdaExpr;
}

bool is_const(CXType type) {
  while (type.kind == CXType_ConstantArray || type.kind == CXType_IncompleteArray ||
         type.kind == CXType_VariableArray || type.kind == CXType_DependentSizedArray)
    type = clang_getArrayElementType(type);
  return clang_isConstQualifiedType(type) ||
         clang_isConstQualifiedType(clang_getCanonicalType(type));
}

bool has_child_kind(CXCursor c, CXCursorKind kind) {
  struct Seen {
    CXCursorKind kind;
    bool found = false;
  } seen{kind};
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        auto& s = *static_cast<Seen*>(data);
        if (clang_getCursorKind(child) == s.kind) {
          s.found = true;
          return CXChildVisit_Break;
        }
        return CXChildVisit_Continue;
      },
      &seen);
  return seen.found;
}

void check_variable(CXCursor c, unsigned line, AstContext& context) {
  std::string name = take_string(clang_getCursorSpelling(c));
  bool constant = is_const(clang_getCursorType(c));
  if (clang_getCursorTLSKind(c) != CXTLS_None && !constant) {
    context.out.add(line,
                    fmt::format("thread_local variable '{}' (state kept between calls)", name));
  } else if (is_local(c)) {
    // A kernel's __shared__ array is static to clang but lives as long as its block.
    if (clang_Cursor_getStorageClass(c) == CX_SC_Static && !constant &&
        !has_child_kind(c, CXCursor_CUDASharedAttr))
      context.out.add(line, fmt::format("static local variable '{}' that is not const (state kept "
                                        "between calls)",
                                        name));
  } else if (has_child_kind(c, CXCursor_CUDADeviceAttr) &&
             !has_child_kind(c, CXCursor_CUDASharedAttr)) {
    context.out.add(line, fmt::format("__device__ variable '{}' at namespace scope (global "
                                      "state kept between calls)",
                                      name));
  } else if (!constant && !has_child_kind(c, CXCursor_CUDASharedAttr)) {
    context.out.add(line, fmt::format("global variable '{}' that is not const (state kept "
                                      "between calls)",
                                      name));
  }
}

// kevolve's own names: its namespace (the harness runtime, compiled into every candidate, whose
// functions are inline: a strong definition in a variant would replace a copy the compiler did
// not inline) and the kevolve_ symbols of the generated main and entry points (kevolve_bench_*,
// kevolve_candidate_*). A variant declares none of them.
void check_declaration(CXCursor c, unsigned line, AstContext& context) {
  const std::string name = qualified_name(c);
  const bool namespace_of_kevolve = clang_getCursorKind(c) == CXCursor_Namespace &&
                                    (name == "kevolve" || name.rfind("kevolve::", 0) == 0);
  if (namespace_of_kevolve || take_string(clang_getCursorSpelling(c)).rfind("kevolve_", 0) == 0)
    context.out.add(line, fmt::format("declares {}, a name of kevolve's (the harness's runtime is "
                                      "not the variant's to define)",
                                      name));
}

// A reference to `target` from a cursor at `line` of the variant.
void check_reference(CXCursor target, unsigned line, AstContext& context) {
  if (clang_Cursor_isNull(target)) return;
  std::string name = qualified_name(target);
  if (auto reason = red_flag(name); !reason.empty()) {
    context.out.add(line, fmt::format("{} ({})", reason, name), reason);
    return;
  }
  CXCursorKind kind = clang_getCursorKind(target);
  if (!is_function(kind)) return;
  std::string spelling = take_string(clang_getCursorSpelling(target));
  CXSourceLocation where = clang_getCursorLocation(target);
  if (clang_Location_isInSystemHeader(where)) return;
  bool in_harness = context.harness_files.count(file_of(where)) > 0;
  bool named_there = context.harness_names.count(spelling) > 0 || spelling == context.reference;
  if (!in_harness && named_there) {
    CXCursor definition = clang_getCursorDefinition(target);
    std::string defined_in = clang_Cursor_isNull(definition)
                                 ? std::string()
                                 : file_of(clang_getCursorLocation(definition));
    in_harness = defined_in.empty() || context.harness_files.count(defined_in) > 0;
  }
  if (in_harness || spelling == context.reference) {
    context.out.add(line, fmt::format("calls {}, a function of the harness (the unit's "
                                      "reference is not the variant's to use)",
                                      name));
  }
}

CXChildVisitResult visit(CXCursor c, CXCursor, CXClientData data) {
  auto& context = *static_cast<AstContext*>(data);
  // Cursors of other files (headers, system or not) are skipped with all their children.
  auto in_patched = [&](CXSourceLocation loc, unsigned* offset) {
    CXFile file = nullptr;
    clang_getExpansionLocation(loc, &file, nullptr, nullptr, offset);
    return file && clang_File_isEqual(file, context.file);
  };
  CXSourceRange extent = clang_getCursorExtent(c);
  unsigned begin = 0, end = 0, offset = 0;
  if (!in_patched(clang_getRangeStart(extent), &begin)) return CXChildVisit_Continue;
  if (!in_patched(clang_getRangeEnd(extent), &end)) end = ~0u;
  if (end < context.patched.begin || begin >= context.patched.end) return CXChildVisit_Continue;
  in_patched(clang_getCursorLocation(c), &offset);
  if (!context.patched.in_range(offset)) return CXChildVisit_Recurse;
  unsigned line = context.patched.variant_line(offset);
  CXCursorKind kind = clang_getCursorKind(c);
  switch (kind) {
    case CXCursor_GCCAsmStmt:
    case CXCursor_MSAsmStmt:
      context.out.add(line, "inline assembly");
      break;
    case CXCursor_VarDecl:
      check_variable(c, line, context);
      check_declaration(c, line, context);
      break;
    case CXCursor_Namespace:
    case CXCursor_FunctionDecl:
      check_declaration(c, line, context);
      break;
    case CXCursor_OverloadedDeclRef:
      for (unsigned i = 0, n = clang_getNumOverloadedDecls(c); i < n; ++i)
        check_reference(clang_getOverloadedDecl(c, i), line, context);
      break;
    case CXCursor_MacroExpansion: {
      std::string name = take_string(clang_getCursorSpelling(c));
      if (auto reason = red_flag(name); !reason.empty())
        context.out.add(line, fmt::format("{} ({})", reason, name), reason);
      break;
    }
    case CXCursor_CallExpr:
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
    case CXCursor_TypeRef:
    case CXCursor_TemplateRef:
    case CXCursor_MemberRef: {
      CXCursor target = clang_getCursorReferenced(c);
      if (clang_Cursor_isNull(target) && kind == CXCursor_CallExpr) {
        std::string name = take_string(clang_getCursorSpelling(c));
        if (auto reason = red_flag(name); !reason.empty())
          context.out.add(line, fmt::format("{} ({})", reason, name), reason);
      }
      check_reference(target, line, context);
      break;
    }
    default:
      break;
  }
  return CXChildVisit_Recurse;
}

// The patched file's first errors and the red flags of its AST, partial (KeepGoing) or not:
// what the variant refers to shows either way.
void inspect_ast(CXTranslationUnit tu, const Patched& patched, AstContext& context) {
  constexpr unsigned k_max_errors = 3;
  unsigned errors = 0;
  for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error && ++errors <= k_max_errors) {
      unsigned offset = 0;
      std::string file = file_of(clang_getDiagnosticLocation(d), &offset);
      std::string message(util::trim(take_string(clang_getDiagnosticSpelling(d))).substr(0, 300));
      bool ours = file == patched.parsed_as;
      if (ours && patched.in_range(offset)) {
        context.out.add(patched.variant_line(offset), "does not parse: " + message);
      } else {
        std::string where = ours ? patched.presumed(offset) : file;
        context.out.add(0, fmt::format("does not parse: {}: {}", where, message));
      }
    }
    clang_disposeDiagnostic(d);
  }
  if (errors > k_max_errors)
    context.out.add(0,
                    fmt::format("does not parse: ... and {} more errors", errors - k_max_errors));
  context.file = clang_getFile(tu, patched.parsed_as.c_str());
  if (!context.file) {
    context.out.add(0, fmt::format("does not parse: libclang does not know {}", patched.path));
    return;
  }
  clang_visitChildren(clang_getTranslationUnitCursor(tu), &visit, &context);
}

// ---------------------------------------------------------------------------------------------
// Pass 3: the unit, through the target's scan.

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

const Unit* check_unit(const TargetScan& scan, const Unit& original, const Patched& patched,
                       Refusals& out) {
  bool reported = false;
  for (const Problem& p : scan.problems) {
    if (p.severity != Problem::Severity::error) continue;
    if (p.message.rfind("libclang", 0) == 0) continue;  // parse errors: pass 2 reported them
    bool ours = p.where.file == patched.path;
    if (!ours && p.message.find("unit '" + original.name + "'") == std::string::npos) continue;
    reported = true;
    if (ours && patched.in_range(p.where.offset)) {
      out.add(patched.variant_line(p.where.offset), first_line(p.message));
    } else {
      std::string where = ours ? patched.presumed(p.where.offset)
                               : fmt::format("{}:{}", p.where.file, p.where.line);
      out.add(0, fmt::format("{}: {}", where, first_line(p.message)));
    }
  }
  auto in_variant = [&](const Unit& u) {
    return u.kernel.name.file == patched.path && patched.in_range(u.marker.offset);
  };
  const Unit* unit = scan.find(original.name);
  if (unit && in_variant(*unit)) {
    unsigned line = patched.variant_line(unit->kernel.name.offset);
    if (unit->kernel.function != original.kernel.function) {
      out.add(line, fmt::format("the kernel is named {}; the original is {} (a variant keeps "
                                "the kernel's name)",
                                unit->kernel.function, original.kernel.function));
    }
    if (!original.kernel.signature.empty() && unit->kernel.signature != original.kernel.signature) {
      out.add(line, fmt::format("the kernel's signature changed: {} (the original: {})",
                                unit->kernel.signature, original.kernel.signature));
    }
    return unit;
  }
  for (const Unit& other : scan.units) {
    if (in_variant(other)) {
      out.add(patched.variant_line(other.marker.offset),
              fmt::format("the KEVOLVE_TUNE marker names unit '{}', not '{}'", other.name,
                          original.name));
      return nullptr;
    }
  }
  if (!reported) {
    out.add(0, fmt::format("no KEVOLVE_TUNE({}, \"...\") marker on a kernel in the variant",
                           original.name));
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// What every check of one unit's variants shares, and the steps around the passes.

// The inputs of the checks that do not change between variants of one unit.
struct UnitContext {
  std::string original_text;
  std::set<std::string> harness_files, harness_names;
  std::string reference;  // kevolve_bench_<unit>
};

UnitContext unit_context(const ScanRequest& request, const Unit& original) {
  UnitContext c;
  c.original_text = util::read_file(original.kernel.name.file).value_or(std::string());
  for (const SourceJob& h : request.harnesses) {
    c.harness_files.insert(h.file.lexically_normal().string());
    auto names = harness_functions(util::read_file(h.file).value_or(std::string()));
    c.harness_names.insert(names.begin(), names.end());
  }
  std::string short_name = original.kernel.function.substr(original.kernel.function.rfind(':') + 1);
  c.harness_names.erase(short_name);  // the harness declares the kernel it calls
  c.reference = "kevolve_bench_" + original.name;
  return c;
}

// Reads the patched file into `patched`; the reason when its range cannot be read.
std::optional<std::string> read_patched(const VariantSource& variant, Patched& patched) {
  std::error_code ec;
  patched.path = fs::absolute(variant.patched, ec).lexically_normal().string();
  patched.parsed_as = patched.path;
  auto text = util::read_file(variant.patched);
  if (!text || variant.code_begin > variant.code_end || variant.code_end > text->size()) {
    return fmt::format("cannot read the variant's range [{}, {}) of {}", variant.code_begin,
                       variant.code_end, variant.patched.string());
  }
  patched.text = std::move(*text);
  patched.begin = variant.code_begin;
  patched.end = variant.code_end;
  patched.index_lines();
  return std::nullopt;
}

VariantCheck verdict(const TargetScan& scan, bool inspected, const Unit& original,
                     const Patched& patched, Refusals& out) {
  VariantCheck result;
  if (!inspected) {
    out.add(0, fmt::format("does not parse: libclang could not parse {}", patched.path));
  } else if (const Unit* unit = check_unit(scan, original, patched, out); unit && out.empty()) {
    result.unit = *unit;
  }
  result.rejections = std::move(out).lines();
  if (!result.rejections.empty()) result.unit.reset();
  return result;
}

// Where the splice's `#line 1 "<variant>"` starts, just before the variant's code; nullopt
// when the patched file was not written by the splice.
std::optional<std::size_t> variant_line_directive(const Patched& patched) {
  constexpr std::string_view k_directive = "#line 1 \"";
  if (patched.begin < 2 || patched.text[patched.begin - 1] != '\n') return std::nullopt;
  std::size_t nl = patched.text.rfind('\n', patched.begin - 2);
  std::size_t start = nl == std::string::npos ? 0 : nl + 1;
  if (patched.text.compare(start, k_directive.size(), k_directive) != 0) return std::nullopt;
  return start;
}

// The text libclang reparses: the patched file with that #line written as the GNU line marker
// `#    1 "<variant>"`, of the same length and meaning. A preamble is the file's leading run of
// directives, and #line is one: it would reach into the variant (its #line names the variant's
// own file), so every variant would rebuild it. A line marker ends the run.
std::string reparse_text(const Patched& patched, std::size_t directive) {
  std::string text = patched.text;
  text.replace(directive + 1, 4, "    ");
  return text;
}

// The files a translation unit includes from its main file before `boundary` (directly or not),
// named as the scanner names them.
std::set<std::string> included_before(CXTranslationUnit tu, CXFile main, std::size_t boundary) {
  struct Context {
    CXFile main;
    std::size_t boundary;
    std::set<std::string> files;
  } context{main, boundary, {}};
  clang_getInclusions(
      tu,
      [](CXFile included, CXSourceLocation* stack, unsigned depth, CXClientData data) {
        auto& c = *static_cast<Context*>(data);
        if (depth == 0) return;
        CXFile from = nullptr;
        unsigned offset = 0;
        clang_getExpansionLocation(stack[depth - 1], &from, nullptr, nullptr, &offset);
        if (!from || !clang_File_isEqual(from, c.main) || offset >= c.boundary) return;
        std::string name = take_string(clang_getFileName(included));
        std::error_code ec;
        fs::path p = fs::absolute(name, ec);
        c.files.insert((ec ? fs::path(name) : p).lexically_normal().string());
      },
      &context);
  return context.files;
}

// The findings before `boundary` in `file` and in `headers`.
FileFindings findings_before(const FileFindings& all, const std::string& file, std::size_t boundary,
                             const std::set<std::string>& headers) {
  auto before = [&](const Position& p) {
    return p.file == file ? p.offset < boundary : headers.count(p.file) > 0;
  };
  FileFindings out;
  for (const AnnotatedFunction& f : all.functions)
    if (before(f.name)) out.functions.push_back(f);
  for (const TuneMarker& m : all.markers)
    if (before(m.where)) out.markers.push_back(m);
  for (const ParamUse& u : all.uses)
    if (before(u.where)) out.uses.push_back(u);
  for (const MacroSite& d : all.definitions)
    if (before(d.where)) out.definitions.push_back(d);
  for (const MacroSite& e : all.expansions)
    if (before(e.where)) out.expansions.push_back(e);
  for (const std::string& i : all.inputs)
    if (headers.count(i)) out.inputs.push_back(i);
  return out;
}

// `before` followed by what `local` found elsewhere: a reparse with a preamble does not visit
// the preamble's macros (and may or may not visit its declarations), the first parse saw them.
template <typename T, typename Where>
void merge_into(std::vector<T>& local, const std::vector<T>& before, Where where) {
  std::set<Position> seen;
  std::vector<T> out = before;
  for (const T& x : before) seen.insert(where(x));
  for (T& x : local)
    if (!seen.count(where(x))) out.push_back(std::move(x));
  local = std::move(out);
}

void merge_before(FileFindings& local, const FileFindings& before) {
  merge_into(local.functions, before.functions, [](const auto& f) { return f.name; });
  merge_into(local.markers, before.markers, [](const auto& m) { return m.where; });
  merge_into(local.uses, before.uses, [](const auto& u) { return u.where; });
  merge_into(local.definitions, before.definitions, [](const auto& d) { return d.where; });
  merge_into(local.expansions, before.expansions, [](const auto& e) { return e.where; });
  std::set<std::string> inputs(local.inputs.begin(), local.inputs.end());
  inputs.insert(before.inputs.begin(), before.inputs.end());
  local.inputs.assign(inputs.begin(), inputs.end());
}

// Positions in `from` renamed to `to` (the variant parsed under the first variant's name).
void rename_file(FileFindings& f, const std::string& from, const std::string& to) {
  auto fix = [&](Position& p) {
    if (p.file == from) p.file = to;
  };
  if (f.file == from) f.file = to;
  for (AnnotatedFunction& x : f.functions) {
    fix(x.marker);
    fix(x.name);
  }
  for (TuneMarker& x : f.markers) fix(x.where);
  for (ParamUse& x : f.uses) fix(x.where);
  for (MacroSite& x : f.definitions) fix(x.where);
  for (MacroSite& x : f.expansions) fix(x.where);
  for (Diagnostic& x : f.errors) fix(x.where);
  for (std::string& x : f.inputs)
    if (x == from) x = to;
}

std::string unit_key(const ScanRequest& request, const Unit& original) {
  util::Hasher h;
  h.add(request.target).add(original.name).add(original.kernel.name.file);
  h.add(fmt::format("{}:{}", original.kernel.begin, original.kernel.end));
  for (const std::vector<SourceJob>* jobs : {&request.sources, &request.harnesses}) {
    for (const SourceJob& j : *jobs) {
      h.add(j.file.string()).add(std::string(name_of(j.language)));
      h.add(fmt::format("{}", fmt::join(j.args, "\n")));
    }
  }
  return h.digest();
}

}  // namespace

ScanRequest with_source_replaced(const ScanRequest& request, const fs::path& original,
                                 const fs::path& patched) {
  ScanRequest out = request;
  fs::path normal = original.lexically_normal();
  bool replaced = false;
  for (std::vector<SourceJob>* jobs : {&out.sources, &out.harnesses}) {
    for (SourceJob& job : *jobs) {
      if (job.file.lexically_normal() == normal) {
        job.file = patched;
        replaced = true;
      }
    }
  }
  if (!replaced) {
    // A kernel in a header: its patched copy is parsed as a source of its own, with the
    // arguments of a source of its language.
    auto language = language_of_file(patched);
    const SourceJob* like = nullptr;
    for (const SourceJob& job : request.sources) {
      if (!language || job.language == *language) {
        like = &job;
        break;
      }
    }
    if (!like && !request.sources.empty()) like = &request.sources.front();
    if (like) out.sources.push_back({patched, like->language, like->args});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The checker of many variants.

namespace {

// What a checker keeps of a unit's first variant.
struct Kept {
  std::string key;        // unit_key
  std::string parsed_as;  // the first variant's patched file: the name libclang knows
  std::string prefix;     // the reparsed text before the variant's line marker
  UnitContext context;
  std::vector<FileFindings> findings;  // of scan_jobs, the patched file's at `patched`
  std::size_t patched = 0;
  FileFindings before;  // the first walk's findings before the variant's line marker
  CXIndex index = nullptr;
  CXTranslationUnit tu = nullptr;

  Kept() = default;
  Kept(const Kept&) = delete;
  Kept& operator=(const Kept&) = delete;
  ~Kept() {
    if (tu) clang_disposeTranslationUnit(tu);
    if (index) clang_disposeIndex(index);
  }
};

// The first variant of a unit: parsed as check_variant always did; a C or C++ kernel's file is
// then parsed again, kept with a preamble of its text before the variant, for the next ones.
// `keep`: where to keep it (null: nowhere, one check).
VariantCheck check_in_full(const ScanRequest& request, const ParseOptions& options,
                           const Unit& original, Patched& patched, std::unique_ptr<Kept>* keep) {
  auto directive = variant_line_directive(patched);
  auto state = std::make_unique<Kept>();
  state->key = unit_key(request, original);
  state->context = unit_context(request, original);
  Refusals out;
  check_text(patched, state->context.original_text, out);

  ScanRequest replaced = with_source_replaced(request, original.kernel.name.file, patched.path);
  AstContext context{patched, state->context.harness_names, state->context.harness_files,
                     state->context.reference, out};
  // One parse of the patched file serves the scan and the AST's checks.
  ParseOptions scan_options = options;
  scan_options.inspect_file = patched.path;
  bool inspected = false;
  std::set<std::string> headers;
  scan_options.inspect = [&](CXTranslationUnit tu) {
    inspected = true;
    inspect_ast(tu, patched, context);
    if (keep && directive && context.file) headers = included_before(tu, context.file, *directive);
  };
  std::vector<SourceJob> jobs = scan_jobs(replaced);
  ParseStats stats;
  state->findings = parse_sources(jobs, scan_options, &stats);
  TargetScan scan = assemble(replaced.target, state->findings);
  scan.stats = stats;
  VariantCheck result = verdict(scan, inspected, original, patched, out);

  const SourceJob* job = nullptr;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].file == patched.path) {
      job = &jobs[i];
      state->patched = i;
    }
  }
  bool c_family = job && (job->language == Language::c || job->language == Language::cxx);
  if (!keep || !inspected || !directive || !c_family) return result;
  state->parsed_as = patched.path;
  state->before =
      findings_before(state->findings[state->patched], patched.path, *directive, headers);
  std::string text = reparse_text(patched, *directive);
  state->prefix = text.substr(0, *directive);
  std::vector<std::string> args = job->args;
  args.push_back("-Wno-gnu-line-marker");  // the marker is ours, not the variant's
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  CXUnsavedFile unsaved{state->parsed_as.c_str(), text.data(),
                        static_cast<unsigned long>(text.size())};
  state->index = clang_createIndex(1, 0);
  CXErrorCode code = clang_parseTranslationUnit2(
      state->index, state->parsed_as.c_str(), argv.data(), static_cast<int>(argv.size()), &unsaved,
      1,
      CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing |
          CXTranslationUnit_PrecompiledPreamble | CXTranslationUnit_CreatePreambleOnFirstParse,
      &state->tu);
  if (code != CXError_Success) state->tu = nullptr;
  if (state->tu) *keep = std::move(state);
  return result;
}

}  // namespace

class VariantChecker::Impl {
 public:
  Impl(ScanRequest request, ParseOptions options)
      : m_request(std::move(request)), m_options(std::move(options)) {}

  VariantCheck check(const Unit& original, const VariantSource& variant);
  bool warm() const { return m_state && m_state->tu; }

 private:
  std::optional<VariantCheck> again(const Unit& original, Patched& patched,
                                    const std::string& text);

  ScanRequest m_request;
  ParseOptions m_options;
  std::unique_ptr<Kept> m_state;
};

VariantChecker::VariantChecker(ScanRequest request, ParseOptions options)
    : m_impl(std::make_unique<Impl>(std::move(request), std::move(options))) {}
VariantChecker::~VariantChecker() = default;
VariantChecker::VariantChecker(VariantChecker&&) noexcept = default;
VariantChecker& VariantChecker::operator=(VariantChecker&&) noexcept = default;

VariantCheck VariantChecker::check(const Unit& original, const VariantSource& variant) {
  return m_impl->check(original, variant);
}

bool VariantChecker::warm() const { return m_impl->warm(); }

VariantCheck VariantChecker::Impl::check(const Unit& original, const VariantSource& variant) {
  Patched patched;
  if (auto error = read_patched(variant, patched)) {
    VariantCheck result;
    result.rejections.push_back(*error);
    return result;
  }
  auto directive = variant_line_directive(patched);
  if (m_state && m_state->tu && directive && m_state->key == unit_key(m_request, original)) {
    std::error_code ec;
    std::string text = reparse_text(patched, *directive);
    if (text.compare(0, *directive, m_state->prefix) == 0 && *directive == m_state->prefix.size() &&
        fs::exists(m_state->parsed_as, ec)) {
      if (auto result = again(original, patched, text)) return std::move(*result);
    }
  }
  m_state.reset();
  return check_in_full(m_request, m_options, original, patched, &m_state);
}

// A later variant: the kept translation unit reparsed with the variant's text (its preamble
// reused), its findings completed with those the first walk made before the variant, the
// target's other sources and harnesses as the first parse found them. Nullopt when libclang
// cannot reparse (the checker then starts over).
std::optional<VariantCheck> VariantChecker::Impl::again(const Unit& original, Patched& patched,
                                                        const std::string& text) {
  Kept& state = *m_state;
  patched.parsed_as = state.parsed_as;
  CXUnsavedFile unsaved{state.parsed_as.c_str(), text.data(),
                        static_cast<unsigned long>(text.size())};
  if (clang_reparseTranslationUnit(state.tu, 1, &unsaved, clang_defaultReparseOptions(state.tu)) !=
      0) {
    clang_disposeTranslationUnit(state.tu);  // libclang: a unit that failed to reparse is dead
    state.tu = nullptr;
    return std::nullopt;
  }
  Refusals out;
  check_text(patched, state.context.original_text, out);
  AstContext context{patched, state.context.harness_names, state.context.harness_files,
                     state.context.reference, out};
  inspect_ast(state.tu, patched, context);

  FileFindings local = findings_of(state.tu, state.parsed_as);
  merge_before(local, state.before);
  rename_file(local, state.parsed_as, patched.path);
  std::vector<FileFindings> findings = state.findings;
  findings[state.patched] = std::move(local);
  TargetScan scan = assemble(m_request.target, findings);
  return verdict(scan, true, original, patched, out);
}

VariantCheck check_variant(const ScanRequest& request, const ParseOptions& options,
                           const Unit& original, const VariantSource& variant) {
  Patched patched;
  if (auto error = read_patched(variant, patched)) {
    VariantCheck result;
    result.rejections.push_back(*error);
    return result;
  }
  return check_in_full(request, options, original, patched, nullptr);
}

}  // namespace kevolve::analyzers
