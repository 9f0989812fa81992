# FindLibClang
# ------------
# Finds libclang (the stable C API of clang) of a given major version, by default 16: the
# first version whose parser accepts CUDA 13 and HIP headers. Debian installs it under
# /usr/lib/llvm-<major>; other locations come from LibClang_ROOT, KEVOLVE_LIBCLANG_ROOT
# (variable or environment) or CMAKE_PREFIX_PATH.
#
# Defines the imported target LibClang::LibClang and LibClang_VERSION (the CINDEX version
# check maps 0.63 to clang 16, 0.64 to 17, ...).

set(_libclang_major 16)
if(LibClang_FIND_VERSION_MAJOR)
  set(_libclang_major ${LibClang_FIND_VERSION_MAJOR})
endif()

set(_libclang_hints)
foreach(_root IN ITEMS "${LibClang_ROOT}" "${KEVOLVE_LIBCLANG_ROOT}" "$ENV{KEVOLVE_LIBCLANG_ROOT}")
  if(_root)
    list(APPEND _libclang_hints "${_root}")
  endif()
endforeach()
foreach(_major RANGE ${_libclang_major} 22)
  list(APPEND _libclang_hints "/usr/lib/llvm-${_major}" "/usr/local/opt/llvm@${_major}")
endforeach()

find_path(LibClang_INCLUDE_DIR clang-c/Index.h HINTS ${_libclang_hints} PATH_SUFFIXES include)
find_library(LibClang_LIBRARY NAMES clang libclang HINTS ${_libclang_hints} PATH_SUFFIXES lib)

if(LibClang_INCLUDE_DIR AND EXISTS "${LibClang_INCLUDE_DIR}/clang-c/Index.h")
  file(STRINGS "${LibClang_INCLUDE_DIR}/clang-c/Index.h" _cindex REGEX "#define CINDEX_VERSION_MINOR [0-9]+")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _cindex_minor "${_cindex}")
  # CINDEX 0.63 shipped with clang 16; each later major added one.
  math(EXPR LibClang_VERSION_MAJOR "${_cindex_minor} - 63 + 16")
  set(LibClang_VERSION "${LibClang_VERSION_MAJOR}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibClang
  REQUIRED_VARS LibClang_LIBRARY LibClang_INCLUDE_DIR
  VERSION_VAR LibClang_VERSION)

if(LibClang_FOUND AND NOT TARGET LibClang::LibClang)
  add_library(LibClang::LibClang UNKNOWN IMPORTED)
  set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LibClang_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibClang_INCLUDE_DIR}")
endif()
mark_as_advanced(LibClang_INCLUDE_DIR LibClang_LIBRARY)
