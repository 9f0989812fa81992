#pragma once

// Reading the small text files of /proc and /sys, relative to a root that tests replace.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::backends {

// The file's content without trailing whitespace, or nullopt if it cannot be read.
std::optional<std::string> read_text(const std::filesystem::path& file);
std::optional<std::int64_t> read_integer(const std::filesystem::path& file);

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}; nullopt when malformed.
std::optional<std::vector<int>> parse_cpu_list(std::string_view list);

// "32K" -> 32768, "1M" -> 1048576, "512" -> 512.
std::optional<std::uint64_t> parse_size(std::string_view text);

// `root / path` where `path` is absolute ("/proc/cpuinfo").
std::filesystem::path under(const std::filesystem::path& root, std::string_view path);

}  // namespace kevolve::backends
