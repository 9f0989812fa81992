#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "temp_dir.hpp"

using namespace kevolve::util;
using kevolve::test::TempDir;

namespace {

// Runs `child` in a forked process and returns its exit status (or 128 + signal).
template <typename F>
int in_child(F child) {
  pid_t pid = fork();
  if (pid == 0) {
    _exit(child());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::size_t count_entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("atomic file: commit replaces, abandon leaves the old file", "[util][files]") {
  TempDir dir;
  auto target = dir.write("wisdom.json", "old\n");

  {
    auto file = AtomicFile::create(target);
    REQUIRE(file);
    REQUIRE(file->write("new"));
    CHECK(*read_file(target) == "old\n");  // nothing visible before commit
  }                                        // destroyed without commit
  CHECK(*read_file(target) == "old\n");
  CHECK(count_entries(dir.path()) == 1);  // the temporary is gone too

  REQUIRE(write_file_atomically(target, "new\n"));
  CHECK(*read_file(target) == "new\n");
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("atomic file: a killed writer leaves the old file intact", "[util][files]") {
  TempDir dir;
  auto target = dir.write("wisdom.json", "the old content\n");
  int status = in_child([&] {
    auto file = AtomicFile::create(target);
    if (!file) return 1;
    std::string half(1 << 20, 'x');
    (void)file->write(half);
    raise(SIGKILL);  // dies in the middle of writing, before commit
    return 2;
  });
  CHECK(status == 128 + SIGKILL);
  CHECK(*read_file(target) == "the old content\n");
  // What remains is a temporary that verification recognizes as such.
  bool stray = false;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path() != target) stray = AtomicFile::is_temporary_name(e.path().filename().string());
  }
  CHECK(stray);
}

TEST_CASE("atomic file: unwritable places give a message naming the file", "[util][files]") {
  TempDir dir;
  auto blocker = dir.write("not-a-directory", "x");
  auto result = write_file_atomically(blocker / "wisdom.json", "data");
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error(), Catch::Contains((blocker / "wisdom.json").string()));
  CHECK_THAT(result.error(), Catch::Contains("Not a directory"));

  if (geteuid() != 0) {  // root ignores permission bits
    std::filesystem::create_directory(dir / "locked");
    std::filesystem::permissions(
        dir / "locked", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    auto denied = write_file_atomically(dir / "locked" / "w.json", "data");
    REQUIRE_FALSE(denied);
    CHECK_THAT(denied.error(), Catch::Contains("Permission denied"));
  }

  auto made = ensure_directory(blocker / "sub");
  REQUIRE_FALSE(made);
  CHECK_THAT(made.error(), Catch::Contains("cannot create directory"));
}

TEST_CASE("lock file: excludes a second writer and names the first", "[util][files]") {
  TempDir dir;
  auto lock_path = dir / ".lock";
  auto held = LockFile::acquire(lock_path, "kevolve tune");
  REQUIRE(held);

  int status = in_child([&] {
    auto second = LockFile::acquire(lock_path, "kevolve tune");
    if (second) return 10;
    bool names_holder =
        second.error().find("pid " + std::to_string(getppid())) != std::string::npos &&
        second.error().find("kevolve tune") != std::string::npos;
    return names_holder ? 0 : 11;
  });
  CHECK(status == 0);

  SECTION("and frees it when released") {
    { auto moved = std::move(*held); }
    CHECK(in_child([&] { return LockFile::acquire(lock_path, "second") ? 0 : 1; }) == 0);
  }
}

TEST_CASE("lock file: the lock of a killed process is free", "[util][files]") {
  TempDir dir;
  auto lock_path = dir / ".lock";
  int status = in_child([&] {
    auto held = LockFile::acquire(lock_path, "doomed");
    raise(SIGKILL);
    return held ? 0 : 1;
  });
  CHECK(status == 128 + SIGKILL);
  CHECK(LockFile::acquire(lock_path, "next"));
}

TEST_CASE("read and mapped files: the bytes, whole; errors name the file", "[util][files]") {
  TempDir dir;
  std::string big(3 * 65536 + 17, 'x');
  big[100000] = '\0';
  dir.write("big.bin", big);
  dir.write("empty.bin", "");
  auto read = read_file(dir / "big.bin");
  REQUIRE(read);
  CHECK(*read == big);
  auto mapped = MappedFile::open(dir / "big.bin");
  REQUIRE(mapped);
  CHECK(mapped->bytes() == big);
  MappedFile moved = std::move(*mapped);
  CHECK(moved.bytes() == big);
  CHECK(mapped->bytes().empty());

  auto empty = MappedFile::open(dir / "empty.bin");
  REQUIRE(empty);
  CHECK(empty->bytes().empty());
  auto missing = MappedFile::open(dir / "missing.bin");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(), Catch::Contains("missing.bin") && Catch::Contains("cannot read"));
  auto directory = MappedFile::open(dir.path());
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.error(), Catch::Contains("not a file"));
}
