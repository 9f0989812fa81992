#pragma once

// The arguments libclang 16 parses one source with: the target's own defines, include paths
// and standard, the flags of its compile command that clang understands, -DKEVOLVE_SCAN, and
// per language a recipe known to parse CUDA 13 and HIP 5.2 sources without diagnostics.

#include "analyzers/file_api.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::analyzers {

enum class Language { c, cxx, cuda, hip };
std::string_view name_of(Language language);
std::optional<Language> language_named(std::string_view cmake_language);      // "CXX" -> cxx
std::optional<Language> language_of_file(const std::filesystem::path& file);  // by extension

// What the recipes need from the machine and the build.
struct ScanEnvironment {
  std::string cuda_path;                  // CUDA toolkit root; empty if none
  std::string rocm_path;                  // ROCm root for HIP; empty if none
  std::filesystem::path shim_dir;         // holds an empty texture_fetch_functions.h
  std::filesystem::path kevolve_include;  // kevolve's public headers, searched last
};

// Finds the toolkits from the build's toolchains and cache, else the usual places, and
// prepares the shim under `work_dir`.
util::Expected<ScanEnvironment> make_environment(const BuildInfo* build,
                                                 const std::filesystem::path& work_dir);

// libclang arguments (without the file name) for a source of `language` in `group`.
util::Expected<std::vector<std::string>> clang_args(const CompileGroup& group, Language language,
                                                    const ScanEnvironment& env);

// The GPU architectures libclang 16 accepts; others are clamped to sm_90 and gfx90a.
std::string cuda_arch_for(const std::vector<std::string>& fragments);
std::string hip_arch_for(const std::vector<std::string>& fragments);

}  // namespace kevolve::analyzers
