#include "analyzers/variant_check.hpp"

// How this works (docs/variants.md, "Checks"): three passes over the patched file.
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
#include "util/text.hpp"

#include <clang-c/Index.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
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
constexpr std::array<std::string_view, 26> k_allowed_includes{
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
    "hip/hip_runtime.h",
    "hip/hip_fp16.h",
    "hip/hip_bf16.h",
    "cub/cub.cuh",
};

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
  std::string text;
  std::size_t begin = 0;
  std::size_t end = 0;

  bool in_range(std::size_t offset) const { return offset >= begin && offset < end; }
  unsigned variant_line(std::size_t offset) const {
    offset = std::clamp(offset, begin, end);
    return 1 + static_cast<unsigned>(std::count(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                                text.begin() + static_cast<std::ptrdiff_t>(offset),
                                                '\n'));
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
        auto number = util::parse_int(util::split(l.substr(6), ' ').front());
        auto quote = l.find('"');
        if (number) line = static_cast<std::size_t>(*number) - 1;
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
  } else if (directive == "line") {
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
    // Strips comments and literals from the line, carrying a block comment to the next one.
    std::string plain;
    for (std::size_t i = 0; i < logical.size(); ++i) {
      if (in_comment) {
        if (logical.compare(i, 2, "*/") == 0) in_comment = false, ++i;
        continue;
      }
      if (logical.compare(i, 2, "/*") == 0) {
        in_comment = true;
        ++i;
        plain += ' ';
      } else if (logical.compare(i, 2, "//") == 0) {
        break;
      } else if (logical[i] == '"' || logical[i] == '\'') {
        char quote = logical[i];
        plain += quote;  // keeps include names, whose quotes are no literal
        for (++i; i < logical.size() && logical[i] != quote; ++i) {
          if (logical[i] == '\\') ++i;
          if (i < logical.size()) plain += logical[i];
        }
        plain += quote;
      } else {
        plain += logical[i];
      }
    }
    std::string_view trimmed = util::trim(plain);
    if (!trimmed.empty() && trimmed[0] == '#') {
      check_directive(trimmed, first, original_text, out);
      continue;
    }
    for (std::size_t i = 0; i < plain.size();) {
      if (!is_word_char(plain[i])) {
        ++i;
        continue;
      }
      std::size_t start = i;
      while (i < plain.size() && is_word_char(plain[i])) ++i;
      std::string_view word = std::string_view(plain).substr(start, i - start);
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
    if (clang_Cursor_getStorageClass(c) == CX_SC_Static && !constant)
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
  CXSourceRange extent = clang_getCursorExtent(c);
  unsigned begin = 0, end = 0;
  std::string file = file_of(clang_getRangeStart(extent), &begin);
  file_of(clang_getRangeEnd(extent), &end);
  if (file != context.patched.path) return CXChildVisit_Continue;
  if (end < context.patched.begin || begin >= context.patched.end) return CXChildVisit_Continue;
  unsigned offset = 0;
  file_of(clang_getCursorLocation(c), &offset);
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

std::vector<const char*> c_args(const std::vector<std::string>& args) {
  std::vector<const char*> out;
  for (const std::string& a : args) out.push_back(a.c_str());
  return out;
}

// Parses the patched file; its first errors and the AST's red flags go to `out`. Returns false
// when libclang could not parse it at all.
bool check_ast(const SourceJob& job, const Patched& patched, AstContext& context) {
  CXIndex index = clang_createIndex(0, 0);
  auto argv = c_args(job.args);
  CXTranslationUnit tu = nullptr;
  CXErrorCode code = clang_parseTranslationUnit2(
      index, patched.path.c_str(), argv.data(), static_cast<int>(argv.size()), nullptr, 0,
      CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing, &tu);
  bool parsed = code == CXError_Success && tu;
  if (!parsed) {
    context.out.add(0, fmt::format("does not parse: libclang could not parse {} (error {})",
                                   patched.path, static_cast<int>(code)));
  } else {
    constexpr unsigned k_max_errors = 3;
    unsigned errors = 0;
    for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n; ++i) {
      CXDiagnostic d = clang_getDiagnostic(tu, i);
      if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error && ++errors <= k_max_errors) {
        unsigned offset = 0;
        std::string file = file_of(clang_getDiagnosticLocation(d), &offset);
        std::string message(util::trim(take_string(clang_getDiagnosticSpelling(d))).substr(0, 300));
        if (file == patched.path && patched.in_range(offset)) {
          context.out.add(patched.variant_line(offset), "does not parse: " + message);
        } else {
          std::string where = file == patched.path ? patched.presumed(offset) : file;
          context.out.add(0, fmt::format("does not parse: {}: {}", where, message));
        }
      }
      clang_disposeDiagnostic(d);
    }
    if (errors > k_max_errors)
      context.out.add(0,
                      fmt::format("does not parse: ... and {} more errors", errors - k_max_errors));
    // A partial AST (KeepGoing) still shows what the variant refers to.
    clang_visitChildren(clang_getTranslationUnitCursor(tu), &visit, &context);
  }
  if (tu) clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return parsed;
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

VariantCheck check_variant(const ScanRequest& request, const ParseOptions& options,
                           const Unit& original, const VariantSource& variant) {
  VariantCheck result;
  Refusals out;
  Patched patched;
  std::error_code ec;
  patched.path = fs::absolute(variant.patched, ec).lexically_normal().string();
  auto text = util::read_file(variant.patched);
  if (!text || variant.code_begin > variant.code_end || variant.code_end > text->size()) {
    result.rejections.push_back(fmt::format("cannot read the variant's range [{}, {}) of {}",
                                            variant.code_begin, variant.code_end,
                                            variant.patched.string()));
    return result;
  }
  patched.text = std::move(*text);
  patched.begin = variant.code_begin;
  patched.end = variant.code_end;
  std::string original_text = util::read_file(original.kernel.name.file).value_or(std::string());

  check_text(patched, original_text, out);

  ScanRequest replaced = with_source_replaced(request, original.kernel.name.file, patched.path);
  const SourceJob* job = nullptr;
  for (const SourceJob& j : replaced.sources) {
    if (j.file == patched.path) job = &j;
  }
  std::set<std::string> harness_files, harness_names;
  for (const SourceJob& h : request.harnesses) {
    harness_files.insert(h.file.lexically_normal().string());
    auto names = harness_functions(util::read_file(h.file).value_or(std::string()));
    harness_names.insert(names.begin(), names.end());
  }
  std::string short_name = original.kernel.function.substr(original.kernel.function.rfind(':') + 1);
  harness_names.erase(short_name);  // the harness declares the kernel it calls
  AstContext context{patched, harness_names, harness_files, "kevolve_bench_" + original.name, out};
  SourceJob fallback{patched.path, Language::cxx, {}};
  if (check_ast(job ? *job : fallback, patched, context)) {
    TargetScan scan = scan_target(replaced, options);
    const Unit* unit = check_unit(scan, original, patched, out);
    if (out.empty() && unit) result.unit = *unit;
  }
  result.rejections = std::move(out).lines();
  if (!result.rejections.empty()) result.unit.reset();
  return result;
}

}  // namespace kevolve::analyzers
