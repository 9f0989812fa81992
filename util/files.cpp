#include "util/files.hpp"

#include "util/environment.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
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

// Makes a rename durable: the directory entry itself must reach the disk.
void sync_directory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

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
  if (fs::is_directory(dir, ec)) return {};
  fs::create_directories(dir, ec);
  if (ec)
    return unexpected(fmt::format("cannot create directory {}: {}", dir.string(), ec.message()));
  return {};
}

AtomicFile::AtomicFile(fs::path target, fs::path temporary, int fd)
    : m_target(std::move(target)), m_temporary(std::move(temporary)), m_fd(fd) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)),
      m_temporary(std::move(other.m_temporary)),
      m_fd(std::exchange(other.m_fd, -1)) {
  other.m_temporary.clear();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_temporary.empty()) ::unlink(m_temporary.c_str());
}

Expected<AtomicFile> AtomicFile::create(const fs::path& target) {
  fs::path dir = target.parent_path();
  std::string pattern = (dir / fmt::format(".{}.XXXXXX.tmp", target.filename().string())).string();
  int fd = ::mkostemps(pattern.data(), 4, O_CLOEXEC);
  if (fd < 0) {
    return unexpected(fmt::format("cannot write {}: cannot create a temporary file in {}: {}",
                                  target.string(), dir.empty() ? "." : dir.string(),
                                  describe_errno(errno)));
  }
  ::fchmod(fd, 0644);
  return AtomicFile(target, fs::path(pattern), fd);
}

Expected<void> AtomicFile::write(std::string_view data) {
  return write_all(m_fd, data, m_temporary);
}

Expected<void> AtomicFile::commit() {
  if (::fsync(m_fd) != 0) {
    return unexpected(fmt::format("cannot write {}: {}", m_target.string(), describe_errno(errno)));
  }
  ::close(std::exchange(m_fd, -1));
  if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
    return unexpected(fmt::format("cannot write {}: {}", m_target.string(), describe_errno(errno)));
  }
  m_temporary.clear();
  sync_directory(m_target.parent_path());
  return {};
}

bool AtomicFile::is_temporary_name(std::string_view name) {
  return name.size() > 12 && name.front() == '.' && name.substr(name.size() - 4) == ".tmp" &&
         name[name.size() - 11] == '.';
}

Expected<void> write_file_atomically(const fs::path& target, std::string_view data) {
  auto file = AtomicFile::create(target);
  if (!file) return unexpected(file.error());
  if (auto written = file->write(data); !written) return written;
  return file->commit();
}

LockFile::LockFile(LockFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

LockFile::~LockFile() {
  if (m_fd >= 0) ::close(m_fd);  // closing the last descriptor releases the flock
}

Expected<LockFile> LockFile::acquire(const fs::path& file, std::string_view purpose) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return unexpected(fmt::format("cannot lock {}: {}", file.string(), describe_errno(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK) {
      return unexpected(fmt::format("cannot lock {}: {}", file.string(), describe_errno(error)));
    }
    auto holder = read_file(file);
    std::string who = holder && !holder->empty() ? fmt::format(" by {}", *holder) : "";
    while (!who.empty() && who.back() == '\n') who.pop_back();
    return unexpected(fmt::format("{} is locked{}; wait for it to finish", file.string(), who));
  }
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string holder = fmt::format("pid {} ({}, since {})\n", ::getpid(), purpose, stamp);
  if (::ftruncate(fd, 0) == 0) {
    ::lseek(fd, 0, SEEK_SET);
    (void)write_all(fd, holder, file);
  }
  return LockFile(fd);
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

}  // namespace kevolve::util
