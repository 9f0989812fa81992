#pragma once

// Templates of generated code (templates/*.cpp), embedded at build time. Placeholders are
// written @NAME@ and replaced by kevolve.

namespace kevolve::templates {

// The main of a candidate executable: runs the unit's harness in a protocol mode. @UNIT@.
extern const char* const candidate_main_cpp;

}  // namespace kevolve::templates
