#pragma once

// File-system helpers that report failures as values naming the path and the reason.
//
// Files that come from others (a committed knowledge directory) are read and written through a
// ConfinedDir: a directory held open by descriptor, beneath which every path is resolved one
// component at a time with openat(O_NOFOLLOW). A symbolic link below it is refused with an error
// naming the link and where it points, so neither a read nor a write can leave the directory;
// only regular files are read (never a FIFO or a device: opens are non-blocking), and never more
// bytes than the caller's limit.

#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace kevolve::util {

// Reads a whole file, whatever it is (/proc files have no size); for trusted paths.
Expected<std::string> read_file(const std::filesystem::path& path);

// Reads `path` only if it is a regular file of at most `max_bytes` and not itself a link (its
// directories are followed as named). Errors say "a symbolic link (to ...)", "not a regular
// file" or the size and the limit.
Expected<std::string> read_regular_file(const std::filesystem::path& path, std::size_t max_bytes);

// An open file descriptor, closed with the object.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  ~FileDescriptor();

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }

 private:
  int m_fd = -1;
};

// What an entry of a directory is, seen without following a link.
enum class EntryKind { missing, regular, directory, symlink, other };

struct DirEntry {
  std::string name;
  EntryKind kind = EntryKind::missing;
};

// A directory held open, beneath which nothing follows a symbolic link (see the top of this
// file). The directory itself is opened as named: links on the way to it are the caller's
// choice. Relative paths below it may not climb out ("..") or be absolute.
class ConfinedDir {
 public:
  static Expected<ConfinedDir> open(const std::filesystem::path& dir);

  // The path it was opened as (for messages), and the descriptor.
  const std::filesystem::path& path() const { return m_path; }
  int fd() const { return m_fd.get(); }

  // The directory `relative` beneath this one; nothing when a component is missing. A component
  // that is a link or not a directory is an error naming it.
  Expected<std::optional<ConfinedDir>> find(const std::filesystem::path& relative) const;
  // Likewise, creating the missing components (mode 0755 less the umask).
  Expected<ConfinedDir> make(const std::filesystem::path& relative) const;

  // The kind of the entry `name` in this directory (lstat: a link is EntryKind::symlink).
  EntryKind kind(std::string_view name) const;
  // The entries, sorted by name, without "." and "..".
  Expected<std::vector<DirEntry>> list() const;

  // The bytes of the regular file `relative` beneath; nothing when it or a directory on its way
  // is missing. Links, anything but a regular file and files over `max_bytes` are errors.
  Expected<std::optional<std::string>> read(const std::filesystem::path& relative,
                                            std::size_t max_bytes) const;

  // Opens the regular file `name` of this directory with `flags` (O_CREAT with `mode` makes
  // it); O_NOFOLLOW, O_NONBLOCK and O_CLOEXEC are added, and anything but a regular file is
  // refused.
  Expected<FileDescriptor> open_file(std::string_view name, int flags, mode_t mode = 0644) const;

  // "<dir>/<name>: a symbolic link (to <target>); links inside <root> are not followed"
  std::string link_error(std::string_view name) const;

 private:
  ConfinedDir(FileDescriptor fd, std::filesystem::path path, std::filesystem::path root)
      : m_fd(std::move(fd)), m_path(std::move(path)), m_root(std::move(root)) {}
  Expected<std::optional<ConfinedDir>> walk(const std::filesystem::path& relative,
                                            bool create) const;
  Expected<std::optional<ConfinedDir>> enter(std::string_view name, bool create) const;
  std::string open_error(std::string_view name, int error) const;

  FileDescriptor m_fd;
  std::filesystem::path m_path;
  std::filesystem::path m_root;  // the directory first opened: what links may not leave
};

// A file named by the directory it must stay in and its path beneath that directory; opened
// through a ConfinedDir of `root`.
struct PathBeneath {
  std::filesystem::path root;
  std::filesystem::path relative;

  std::filesystem::path path() const { return root / relative; }
};

// "16 MiB", "512 KiB", "100 bytes": a limit in messages.
std::string describe_size(std::size_t bytes);

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

// Creates `dir` and its parents; succeeds when it already is a directory (or is empty: the
// current directory).
Expected<void> ensure_directory(const std::filesystem::path& dir);

// A file that appears whole or not at all (ccache's AtomicFile): data goes to a temporary file
// in the target's directory, commit() flushes it and renames it over the target; a destructor
// without commit() removes the temporary, and a killed writer leaves only a stray temporary,
// never a half-written target.
// The temporary is created with O_EXCL and the rename is made under the directory's
// descriptor, so neither follows a link; a target that is a link is replaced, not written
// through.
class AtomicFile {
 public:
  // In the target's directory, opened as named.
  static Expected<AtomicFile> create(const std::filesystem::path& target);
  // `name` in `dir`.
  static Expected<AtomicFile> create(const ConfinedDir& dir, std::string_view name);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Expected<void> write(std::string_view data);
  Expected<void> commit();

  const std::filesystem::path& target() const { return m_target; }
  std::filesystem::path temporary() const { return m_target.parent_path() / m_temporary; }

  // Temporary files are named ".<target name>.<random>.tmp".
  static bool is_temporary_name(std::string_view file_name);

 private:
  AtomicFile(FileDescriptor dir, std::filesystem::path target, std::string temporary,
             FileDescriptor file);

  FileDescriptor m_dir;
  std::filesystem::path m_target;
  std::string m_temporary;  // its name in m_dir; empty once renamed
  FileDescriptor m_file;
};

Expected<void> write_file_atomically(const std::filesystem::path& target, std::string_view data);
// Writes `data` atomically (making its directory) unless the file holds it already, so that
// what watches the file's time (a build, a cache) sees no change; true when it wrote.
Expected<bool> write_file_if_changed(const std::filesystem::path& target, std::string_view data);
Expected<void> write_file_atomically(const ConfinedDir& dir, std::string_view name,
                                     std::string_view data);

// An exclusive advisory lock (flock) on a file, held for the lifetime of the object and freed
// by the kernel if the process dies. The holder writes who it is into the file so that a second
// writer can say whom it waits for.
// The file is opened without following a link and must be a regular file.
class LockFile {
 public:
  static Expected<LockFile> acquire(const std::filesystem::path& file, std::string_view purpose);
  static Expected<LockFile> acquire(const ConfinedDir& dir, std::string_view name,
                                    std::string_view purpose);
  LockFile(LockFile&& other) noexcept = default;
  LockFile& operator=(LockFile&&) = delete;
  ~LockFile() = default;  // closing the last descriptor releases the flock

 private:
  explicit LockFile(FileDescriptor fd) : m_fd(std::move(fd)) {}
  FileDescriptor m_fd;
};

// `<prefix>/<dir>` for the prefix this program is installed in (its executable's directory's
// parent), when that directory holds `probe`; else nothing (a program run from its build tree).
std::optional<std::filesystem::path> installed_dir(std::string_view dir, std::string_view probe);

// The user's cache of kevolve (KEVOLVE_CACHE_DIR, else $XDG_CACHE_HOME/kevolve, else
// ~/.cache/kevolve); empty when none can be named.
std::filesystem::path user_cache_dir();

// `file` relative to `base` when it lies beneath it (for messages and prompts), else as given.
std::string relative_to(const std::string& file, const std::filesystem::path& base);

}  // namespace kevolve::util
