#include "util/files.hpp"

#include "util/environment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace kevolve::util {

namespace fs = std::filesystem;

namespace {

std::string describe_errno(int error) { return std::strerror(error); }

Expected<void> write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return unexpected(fmt::format("cannot write {}: {}", path.string(), describe_errno(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

// Flags every open of a file from others carries: a link is not followed, a FIFO does not
// block the open, a terminal does not become ours.
constexpr int k_confined_flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

EntryKind kind_of(mode_t mode) {
  if (S_ISREG(mode)) return EntryKind::regular;
  if (S_ISDIR(mode)) return EntryKind::directory;
  if (S_ISLNK(mode)) return EntryKind::symlink;
  return EntryKind::other;
}

EntryKind kind_at(int dir, const char* name) {
  struct stat info {};
  if (::fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) != 0) return EntryKind::missing;
  return kind_of(info.st_mode);
}

std::string describe_mode(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string not_regular(const fs::path& path, mode_t mode) {
  return fmt::format("{}: not a regular file ({})", path.string(), describe_mode(mode));
}

// Checks that an open file is a regular file.
Expected<void> check_regular(int fd, const fs::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(errno)));
  if (!S_ISREG(info.st_mode)) return unexpected(not_regular(path, info.st_mode));
  return {};
}

// Reads an open regular file of at most `max_bytes` (also when it grows while being read).
Expected<std::string> read_bounded(int fd, const fs::path& path, std::size_t max_bytes) {
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(errno)));
  if (!S_ISREG(info.st_mode)) return unexpected(not_regular(path, info.st_mode));
  auto too_large = [&](std::uintmax_t size) {
    return unexpected(fmt::format("{}: {} bytes, more than the limit of {}", path.string(), size,
                                  describe_size(max_bytes)));
  };
  auto size = static_cast<std::uintmax_t>(info.st_size);
  if (size > max_bytes) return too_large(size);
  std::string content(static_cast<std::size_t>(size) + 1, '\0');
  std::size_t used = 0;
  while (true) {
    if (used == content.size()) {
      if (used > max_bytes) return too_large(used);
      content.resize(std::min(content.size() * 2 + 4096, max_bytes + 1));
    }
    ssize_t n = ::read(fd, content.data() + used, content.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(errno)));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return too_large(used);
  content.resize(used);
  return content;
}

std::string random_letters(std::size_t count) {
  static thread_local std::mt19937_64 engine(std::random_device{}() ^
                                             static_cast<std::uint64_t>(::getpid()) << 32);
  static constexpr std::string_view k_letters =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += k_letters[engine() % k_letters.size()];
  return out;
}

}  // namespace

std::string describe_size(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

Expected<std::string> read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(errno)));
  // Read in place, sized by fstat (outputs to compare are tens of MB); a file that grows or
  // has no size (a pipe, /proc) is read on in steps.
  struct stat info {};
  std::size_t size =
      ::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
  std::string content(size + 1, '\0');
  std::size_t used = 0;
  while (true) {
    if (used == content.size()) content.resize(content.size() * 2 + 65536);
    ssize_t n = ::read(fd, content.data() + used, content.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(error)));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  content.resize(used);
  return content;
}

Expected<std::string> read_regular_file(const fs::path& path, std::size_t max_bytes) {
  auto dir = ConfinedDir::open(path.parent_path());
  if (!dir) return unexpected(dir.error());
  auto content = dir->read(path.filename(), max_bytes);
  if (!content) return unexpected(content.error());
  if (!*content)
    return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(ENOENT)));
  return std::move(**content);
}

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (m_fd >= 0) ::close(m_fd);
}

Expected<ConfinedDir> ConfinedDir::open(const fs::path& dir) {
  fs::path path = dir.empty() ? fs::path(".") : dir;
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return unexpected(
        fmt::format("cannot open directory {}: {}", path.string(), describe_errno(errno)));
  }
  return ConfinedDir(FileDescriptor(fd), dir, dir);
}

std::string ConfinedDir::link_error(std::string_view name) const {
  std::string target(4096, '\0');
  ssize_t n = ::readlinkat(fd(), std::string(name).c_str(), target.data(), target.size());
  target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return fmt::format("{}: a symbolic link (to {}); links inside {} are not followed",
                     (m_path / name).string(), target.empty() ? "?" : target,
                     m_root.empty() ? "." : m_root.string());
}

std::string ConfinedDir::open_error(std::string_view name, int error) const {
  std::string n(name);
  struct stat info {};
  if (::fstatat(fd(), n.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(info.st_mode)) return link_error(name);
    if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode))
      return not_regular(m_path / name, info.st_mode);
  }
  return fmt::format("{}: {}", (m_path / name).string(), describe_errno(error));
}

Expected<std::optional<ConfinedDir>> ConfinedDir::enter(std::string_view name, bool create) const {
  std::string n(name);
  fs::path path = m_path / n;
  for (int attempt = 0; attempt < 2; ++attempt) {
    int sub = ::openat(fd(), n.c_str(), O_RDONLY | O_DIRECTORY | k_confined_flags);
    if (sub >= 0) return std::optional<ConfinedDir>(ConfinedDir(FileDescriptor(sub), path, m_root));
    int error = errno;
    if (error != ENOENT) {
      EntryKind kind = kind_at(fd(), n.c_str());
      if (kind == EntryKind::symlink) return unexpected(link_error(name));
      if (kind == EntryKind::regular || kind == EntryKind::other)
        return unexpected(fmt::format("{}: not a directory", path.string()));
      return unexpected(fmt::format("{}: {}", path.string(), describe_errno(error)));
    }
    if (!create) return std::optional<ConfinedDir>();
    if (::mkdirat(fd(), n.c_str(), 0755) != 0 && errno != EEXIST) {
      return unexpected(
          fmt::format("{}: cannot create directory: {}", path.string(), describe_errno(errno)));
    }
  }
  return unexpected(fmt::format("{}: cannot create directory: it keeps vanishing", path.string()));
}

Expected<std::optional<ConfinedDir>> ConfinedDir::walk(const fs::path& relative,
                                                       bool create) const {
  if (relative.is_absolute()) {
    return unexpected(fmt::format("{}: an absolute path where one beneath {} was expected",
                                  relative.string(), m_path.string()));
  }
  std::optional<ConfinedDir> current;
  for (const fs::path& part : relative) {
    std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      return unexpected(fmt::format("{}: climbs out of {}", relative.string(), m_path.string()));
    }
    const ConfinedDir& from = current ? *current : *this;
    auto next = from.enter(name, create);
    if (!next) return unexpected(next.error());
    if (!*next) return std::optional<ConfinedDir>();
    current = std::move(**next);
  }
  if (current) return current;
  int self = ::openat(fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (self < 0) {
    return unexpected(
        fmt::format("cannot open directory {}: {}", m_path.string(), describe_errno(errno)));
  }
  return std::optional<ConfinedDir>(ConfinedDir(FileDescriptor(self), m_path, m_root));
}

Expected<std::optional<ConfinedDir>> ConfinedDir::find(const fs::path& relative) const {
  return walk(relative, false);
}

Expected<ConfinedDir> ConfinedDir::make(const fs::path& relative) const {
  auto made = walk(relative, true);
  if (!made) return unexpected(made.error());
  return std::move(**made);
}

EntryKind ConfinedDir::kind(std::string_view name) const {
  return kind_at(fd(), std::string(name).c_str());
}

Expected<std::vector<DirEntry>> ConfinedDir::list() const {
  int copy = ::openat(fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* stream = copy >= 0 ? ::fdopendir(copy) : nullptr;
  if (!stream) {
    int error = errno;
    if (copy >= 0) ::close(copy);
    return unexpected(
        fmt::format("cannot list directory {}: {}", m_path.string(), describe_errno(error)));
  }
  std::vector<DirEntry> out;
  while (const dirent* entry = ::readdir(stream)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    out.push_back({std::string(name), kind_at(fd(), entry->d_name)});
  }
  ::closedir(stream);
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

Expected<FileDescriptor> ConfinedDir::open_file(std::string_view name, int flags,
                                                mode_t mode) const {
  std::string n(name);
  int file = ::openat(fd(), n.c_str(), flags | k_confined_flags, mode);
  if (file < 0) return unexpected(open_error(name, errno));
  FileDescriptor out(file);
  if (auto regular = check_regular(file, m_path / n); !regular) return unexpected(regular.error());
  return out;
}

Expected<std::optional<std::string>> ConfinedDir::read(const fs::path& relative,
                                                       std::size_t max_bytes) const {
  auto dir = find(relative.parent_path());
  if (!dir) return unexpected(dir.error());
  if (!*dir) return std::optional<std::string>();
  std::string name = relative.filename().string();
  int file = ::openat((*dir)->fd(), name.c_str(), O_RDONLY | k_confined_flags);
  if (file < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return unexpected((*dir)->open_error(name, errno));
  }
  FileDescriptor held(file);
  auto content = read_bounded(file, (*dir)->path() / name, max_bytes);
  if (!content) return unexpected(content.error());
  return std::optional<std::string>(std::move(*content));
}

Expected<MappedFile> MappedFile::open(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return unexpected(fmt::format("cannot read {}: {}", path.string(), describe_errno(errno)));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    int error = errno;
    ::close(fd);
    return unexpected(fmt::format("cannot map {}: {}", path.string(),
                                  S_ISREG(info.st_mode) ? describe_errno(error) : "not a file"));
  }
  auto size = static_cast<std::size_t>(info.st_size);
  void* data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (data == MAP_FAILED) {
      int error = errno;
      ::close(fd);
      return unexpected(fmt::format("cannot map {}: {}", path.string(), describe_errno(error)));
    }
  }
  ::close(fd);  // the mapping keeps the file
  return MappedFile(data, size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

MappedFile::~MappedFile() {
  if (m_data) ::munmap(m_data, m_size);
}

Expected<void> ensure_directory(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || fs::is_directory(dir, ec)) return {};  // empty: the current directory
  fs::create_directories(dir, ec);
  if (ec)
    return unexpected(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  return {};
}

AtomicFile::AtomicFile(FileDescriptor dir, fs::path target, std::string temporary,
                       FileDescriptor file)
    : m_dir(std::move(dir)),
      m_target(std::move(target)),
      m_temporary(std::move(temporary)),
      m_file(std::move(file)) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_dir(std::move(other.m_dir)),
      m_target(std::move(other.m_target)),
      m_temporary(std::exchange(other.m_temporary, std::string())),
      m_file(std::move(other.m_file)) {}

AtomicFile::~AtomicFile() {
  if (!m_temporary.empty() && m_dir) ::unlinkat(m_dir.get(), m_temporary.c_str(), 0);
}

Expected<AtomicFile> AtomicFile::create(const fs::path& target) {
  auto dir = ConfinedDir::open(target.parent_path());
  if (!dir) {
    return unexpected(fmt::format("cannot write {}: {}", target.string(), dir.error()));
  }
  return create(*dir, target.filename().string());
}

Expected<AtomicFile> AtomicFile::create(const ConfinedDir& dir, std::string_view name) {
  fs::path target = dir.path() / name;
  int copy = ::fcntl(dir.fd(), F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    return unexpected(fmt::format("cannot write {}: {}", target.string(), describe_errno(errno)));
  }
  FileDescriptor held(copy);
  // O_EXCL: a name that exists (a link planted there included) is never opened; draw again.
  int error = EEXIST;
  for (int attempt = 0; attempt < 100 && error == EEXIST; ++attempt) {
    std::string temporary = fmt::format(".{}.{}.tmp", name, random_letters(6));
    int fd =
        ::openat(copy, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | k_confined_flags, 0644);
    if (fd >= 0) {
      ::fchmod(fd, 0644);
      return AtomicFile(std::move(held), target, std::move(temporary), FileDescriptor(fd));
    }
    error = errno;
  }
  return unexpected(fmt::format("cannot write {}: cannot create a temporary file in {}: {}",
                                target.string(), dir.path().empty() ? "." : dir.path().string(),
                                describe_errno(error)));
}

Expected<void> AtomicFile::write(std::string_view data) {
  return write_all(m_file.get(), data, temporary());
}

Expected<void> AtomicFile::commit() {
  if (::fsync(m_file.get()) != 0) {
    return unexpected(fmt::format("cannot write {}: {}", m_target.string(), describe_errno(errno)));
  }
  m_file = FileDescriptor();
  std::string name = m_target.filename().string();
  if (::renameat(m_dir.get(), m_temporary.c_str(), m_dir.get(), name.c_str()) != 0) {
    return unexpected(fmt::format("cannot write {}: {}", m_target.string(), describe_errno(errno)));
  }
  m_temporary.clear();
  ::fsync(m_dir.get());  // the rename itself must reach the disk
  return {};
}

bool AtomicFile::is_temporary_name(std::string_view name) {
  return name.size() > 12 && name.front() == '.' && name.substr(name.size() - 4) == ".tmp" &&
         name[name.size() - 11] == '.';
}

namespace {

Expected<void> write_whole(Expected<AtomicFile> file, std::string_view data) {
  if (!file) return unexpected(file.error());
  if (auto written = file->write(data); !written) return written;
  return file->commit();
}

}  // namespace

Expected<void> write_file_atomically(const fs::path& target, std::string_view data) {
  return write_whole(AtomicFile::create(target), data);
}

Expected<void> write_file_atomically(const ConfinedDir& dir, std::string_view name,
                                     std::string_view data) {
  return write_whole(AtomicFile::create(dir, name), data);
}

Expected<bool> write_file_if_changed(const fs::path& target, std::string_view data) {
  if (auto current = read_file(target); current && *current == data) return false;
  if (fs::path dir = target.parent_path(); !dir.empty()) {  // a bare name: the current directory
    if (auto made = ensure_directory(dir); !made) return unexpected(made.error());
  }
  if (auto written = write_file_atomically(target, data); !written)
    return unexpected(written.error());
  return true;
}

Expected<LockFile> LockFile::acquire(const fs::path& file, std::string_view purpose) {
  auto dir = ConfinedDir::open(file.parent_path());
  if (!dir) return unexpected(fmt::format("cannot lock {}: {}", file.string(), dir.error()));
  return acquire(*dir, file.filename().string(), purpose);
}

Expected<LockFile> LockFile::acquire(const ConfinedDir& dir, std::string_view name,
                                     std::string_view purpose) {
  fs::path file = dir.path() / name;
  auto fd = dir.open_file(name, O_RDWR | O_CREAT);
  if (!fd) return unexpected(fmt::format("cannot lock {}", fd.error()));
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    if (error != EWOULDBLOCK) {
      return unexpected(fmt::format("cannot lock {}: {}", file.string(), describe_errno(error)));
    }
    // The holder's line, from the descriptor already open (the name may have been replaced).
    std::string holder(512, '\0');
    ssize_t n = ::pread(fd->get(), holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    holder = holder.substr(0, holder.find('\n'));
    std::string who = holder.empty() ? "" : fmt::format(" by {}", holder);
    return unexpected(fmt::format("{} is locked{}; wait for it to finish", file.string(), who));
  }
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string holder = fmt::format("pid {} ({}, since {})\n", ::getpid(), purpose, stamp);
  if (::ftruncate(fd->get(), 0) == 0) {
    ::lseek(fd->get(), 0, SEEK_SET);
    (void)write_all(fd->get(), holder, file);
  }
  return LockFile(std::move(*fd));
}

std::optional<std::filesystem::path> installed_dir(std::string_view dir, std::string_view probe) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  fs::path installed = exe.parent_path().parent_path() / dir;
  if (!fs::exists(installed / probe, ec)) return std::nullopt;
  return installed;
}

std::filesystem::path user_cache_dir() {
  namespace fs = std::filesystem;
  if (auto dir = environment("KEVOLVE_CACHE_DIR")) return fs::path(*dir);
  if (auto xdg = environment("XDG_CACHE_HOME")) return fs::path(*xdg) / "kevolve";
  if (auto home = environment("HOME")) return fs::path(*home) / ".cache" / "kevolve";
  return {};
}

std::string relative_to(const std::string& file, const std::filesystem::path& base) {
  if (file.empty()) return file;
  std::error_code ec;
  std::filesystem::path rel = std::filesystem::relative(file, base, ec);
  if (ec || rel.empty() || *rel.begin() == "..") return file;
  return rel.string();
}

}  // namespace kevolve::util
