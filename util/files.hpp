#pragma once

// File-system helpers that report failures as values naming the path and the reason.

#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kevolve::util {

Expected<std::string> read_file(const std::filesystem::path& path);

// A file's bytes, mapped read-only for as long as the object lives: no copy, no allocation
// (outputs to compare are tens of MB, hundreds of times a minute).
class MappedFile {
 public:
  static Expected<MappedFile> open(const std::filesystem::path& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

 private:
  MappedFile(void* data, std::size_t size) : m_data(data), m_size(size) {}
  void* m_data = nullptr;  // null for an empty file
  std::size_t m_size = 0;
};

// Creates `dir` and its parents; succeeds when it already is a directory.
Expected<void> ensure_directory(const std::filesystem::path& dir);

// A file that appears whole or not at all (ccache's AtomicFile): data goes to a temporary file
// in the target's directory, commit() flushes it and renames it over the target; a destructor
// without commit() removes the temporary, and a killed writer leaves only a stray temporary,
// never a half-written target.
class AtomicFile {
 public:
  static Expected<AtomicFile> create(const std::filesystem::path& target);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Expected<void> write(std::string_view data);
  Expected<void> commit();

  const std::filesystem::path& target() const { return m_target; }
  const std::filesystem::path& temporary() const { return m_temporary; }

  // Temporary files are named ".<target name>.<random>.tmp".
  static bool is_temporary_name(std::string_view file_name);

 private:
  AtomicFile(std::filesystem::path target, std::filesystem::path temporary, int fd);

  std::filesystem::path m_target;
  std::filesystem::path m_temporary;
  int m_fd = -1;
};

Expected<void> write_file_atomically(const std::filesystem::path& target, std::string_view data);

// An exclusive advisory lock (flock) on a file, held for the lifetime of the object and freed
// by the kernel if the process dies. The holder writes who it is into the file so that a second
// writer can say whom it waits for.
class LockFile {
 public:
  static Expected<LockFile> acquire(const std::filesystem::path& file, std::string_view purpose);
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&&) = delete;
  ~LockFile();

 private:
  explicit LockFile(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// `<prefix>/<dir>` for the prefix this program is installed in (its executable's directory's
// parent), when that directory holds `probe`; else nothing (a program run from its build tree).
std::optional<std::filesystem::path> installed_dir(std::string_view dir, std::string_view probe);

// The user's cache of kevolve (KEVOLVE_CACHE_DIR, else $XDG_CACHE_HOME/kevolve, else
// ~/.cache/kevolve); empty when none can be named.
std::filesystem::path user_cache_dir();

}  // namespace kevolve::util
