#pragma once

// What the scanner finds in one parsed source, before units are assembled and checked.
// Positions are in the file where the text is written (macro uses, not macro definitions).

#include <cstddef>
#include <string>
#include <vector>

namespace kevolve::analyzers {

struct Position {
  std::string file;  // absolute path
  unsigned line = 0;
  unsigned column = 0;
  std::size_t offset = 0;  // bytes from the start of the file

  friend bool operator==(const Position&, const Position&) = default;
  friend bool operator<(const Position& a, const Position& b) {
    return a.file != b.file ? a.file < b.file : a.offset < b.offset;
  }
};

struct TemplateParam {
  std::string name;
  std::string kind;  // "type", "non-type", "template"
  std::string type;  // of a non-type parameter
  std::string default_text;
};

// A function that carries a KEVOLVE_TUNE or KEVOLVE_BENCH annotation.
struct AnnotatedFunction {
  std::string annotation;  // "kevolve:tune:<unit>:<space>" or "kevolve:bench:<unit>"
  Position marker;         // where the marker macro is used
  Position name;           // the function's name
  std::string function;    // qualified name, "ns::Class::method"
  // Return and parameter types, canonical: "void (const float *, float *, int)"; a template's
  // own parameters read "type-parameter-0-0", so renaming them keeps the signature.
  std::string signature;
  std::size_t begin = 0;  // extent of the whole function, its template header included
  std::size_t end = 0;
  std::size_t body_begin = 0;  // '{' .. one past '}'; equal to end when there is no body
  std::size_t body_end = 0;
  bool has_body = false;
  std::vector<TemplateParam> template_params;
};

// A string literal of the KEVOLVE_TUNE marker, for mapping space positions to the source.
struct LiteralPiece {
  std::size_t source_offset = 0;          // of the opening quote's string start
  std::vector<std::size_t> char_offsets;  // source offset of each decoded character
};

struct TuneMarker {
  Position where;                      // the KEVOLVE_TUNE macro use
  std::vector<LiteralPiece> literals;  // its space argument, literal by literal
};

// KEVOLVE_PARAM(unit, NAME, default) as written.
struct ParamUse {
  std::string unit;
  std::string name;
  std::string default_text;
  Position where;
};

// A macro definition or expansion by name (for `inject: macros` units).
struct MacroSite {
  std::string name;
  std::string body;  // definitions: the replacement text
  Position where;
};

// An error libclang reported while parsing.
struct Diagnostic {
  Position where;
  std::string message;
};

struct FileFindings {
  std::string file;
  std::vector<AnnotatedFunction> functions;
  std::vector<TuneMarker> markers;
  std::vector<ParamUse> uses;
  std::vector<MacroSite> definitions;
  std::vector<MacroSite> expansions;
  std::vector<std::string> inputs;  // the source and every non-system file it includes
  std::vector<Diagnostic> errors;   // the first few only
  bool parsed = false;
  double seconds = 0;
};

}  // namespace kevolve::analyzers
