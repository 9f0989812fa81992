#include "analyzers/libclang.hpp"

#include <clang-c/Index.h>

namespace kevolve::analyzers {

std::string libclang_version() {
  CXString version = clang_getClangVersion();
  const char* text = clang_getCString(version);
  std::string out = text ? text : "";
  clang_disposeString(version);
  return out;
}

}  // namespace kevolve::analyzers
