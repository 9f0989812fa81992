#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.hpp"
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

TEST_CASE("a file written only when its text changed, its directory made", "[util][files]") {
  TempDir dir;
  const auto target = dir / "deep" / "er" / "generated.cpp";
  auto first = write_file_if_changed(target, "int x;\n");
  REQUIRE(first);
  CHECK(*first);
  CHECK(*read_file(target) == "int x;\n");
  const auto written_at = std::filesystem::last_write_time(target);
  auto same = write_file_if_changed(target, "int x;\n");
  REQUIRE(same);
  CHECK_FALSE(*same);
  CHECK(std::filesystem::last_write_time(target) == written_at);  // untouched
  auto other = write_file_if_changed(target, "int y;\n");
  REQUIRE(other);
  CHECK(*other);
  CHECK(*read_file(target) == "int y;\n");
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

namespace fs = std::filesystem;

TEST_CASE("confined dir: reads regular files beneath it, refuses links and climbing out",
          "[util][files]") {
  TempDir dir;
  dir.write("root/sub/file.txt", "inside\n");
  auto outside = dir.write("outside/secret.txt", "secret\n");
  fs::create_symlink(outside, dir / "root/sub/link.txt");
  fs::create_directory_symlink(dir / "outside", dir / "root/linked");
  auto root = ConfinedDir::open(dir / "root");
  REQUIRE(root);

  auto inside = root->read("sub/file.txt", 100);
  REQUIRE(inside);
  CHECK(**inside == "inside\n");
  auto absent = root->read("sub/absent.txt", 100);
  REQUIRE(absent);
  CHECK_FALSE(*absent);
  auto absent_dir = root->read("nowhere/absent.txt", 100);
  REQUIRE(absent_dir);
  CHECK_FALSE(*absent_dir);

  auto link = root->read("sub/link.txt", 100);
  REQUIRE_FALSE(link);
  CHECK(link.error() == (dir / "root/sub/link.txt").string() + ": a symbolic link (to " +
                            outside.string() + "); links inside " + (dir / "root").string() +
                            " are not followed");
  auto through = root->read("linked/secret.txt", 100);
  REQUIRE_FALSE(through);
  CHECK_THAT(through.error(), Catch::Contains("root/linked: a symbolic link"));
  CHECK_FALSE(root->find("linked"));
  CHECK_FALSE(root->make("linked/deeper"));
  CHECK_FALSE(fs::exists(dir / "outside/deeper"));
  auto climb = root->read("../outside/secret.txt", 100);
  REQUIRE_FALSE(climb);
  CHECK_THAT(climb.error(), Catch::Contains("climbs out"));
  CHECK_FALSE(root->read(outside, 100));  // absolute

  auto entries = root->list();
  REQUIRE(entries);
  REQUIRE(entries->size() == 2);
  CHECK(((*entries)[0].name == "linked" && (*entries)[0].kind == EntryKind::symlink));
  CHECK(((*entries)[1].name == "sub" && (*entries)[1].kind == EntryKind::directory));
  CHECK(root->kind("sub") == EntryKind::directory);
  CHECK(root->kind("absent") == EntryKind::missing);
}

TEST_CASE("confined dir: the root may be a link the caller named", "[util][files]") {
  TempDir dir;
  dir.write("real/file.txt", "x");
  fs::create_directory_symlink(dir / "real", dir / "named");
  auto root = ConfinedDir::open(dir / "named");
  REQUIRE(root);
  CHECK(**root->read("file.txt", 10) == "x");
}

TEST_CASE("regular files only, and never more than the limit", "[util][files]") {
  TempDir dir;
  dir.write("small.txt", "12345");
  CHECK(*read_regular_file(dir / "small.txt", 5) == "12345");
  auto over = read_regular_file(dir / "small.txt", 4);
  REQUIRE_FALSE(over);
  CHECK(over.error() == (dir / "small.txt").string() + ": 5 bytes, more than the limit of 4 bytes");

  auto zero = read_regular_file("/dev/zero", std::size_t(16) << 20);
  REQUIRE_FALSE(zero);
  CHECK(zero.error() == "/dev/zero: not a regular file (a character device)");
  auto directory = read_regular_file(dir.path(), 100);
  REQUIRE_FALSE(directory);
  CHECK_THAT(directory.error(), Catch::Contains("not a regular file (a directory)"));

  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0644) == 0);
  int status = kevolve::test::in_child(
      [&] {
        auto fifo = read_regular_file(dir / "fifo", 100);
        auto root = ConfinedDir::open(dir.path());
        auto opened = root->open_file("fifo", O_WRONLY);
        bool refused = !fifo &&
                       fifo.error().find("not a regular file (a FIFO)") != std::string::npos &&
                       !opened && opened.error().find("a FIFO") != std::string::npos;
        return refused ? 0 : 1;
      },
      20);
  CHECK(status == 0);

  CHECK(describe_size(std::size_t(16) << 20) == "16 MiB");
  CHECK(describe_size(4096) == "4 KiB");
  CHECK(describe_size(100) == "100 bytes");
}

TEST_CASE("atomic file in a confined dir: replaces a link, never writes through it",
          "[util][files]") {
  TempDir dir;
  auto outside = dir.write("outside/target.json", "outside\n");
  fs::create_directories(dir / "root");
  fs::create_symlink(outside, dir / "root/w.json");
  auto root = ConfinedDir::open(dir / "root");
  REQUIRE(root);
  REQUIRE(write_file_atomically(*root, "w.json", "new\n"));
  CHECK(fs::is_regular_file(fs::symlink_status(dir / "root/w.json")));
  CHECK(*read_file(dir / "root/w.json") == "new\n");
  CHECK(*read_file(outside) == "outside\n");
  CHECK(count_entries(dir / "root") == 1);  // no temporary left
  CHECK(count_entries(dir / "outside") == 1);
}

TEST_CASE("lock file: a link or a FIFO in its place is refused", "[util][files]") {
  TempDir dir;
  auto outside = dir.write("outside.txt", "keep me\n");
  fs::create_symlink(outside, dir / ".lock");
  auto held = LockFile::acquire(dir / ".lock", "kevolve tune");
  REQUIRE_FALSE(held);
  CHECK_THAT(held.error(), Catch::StartsWith("cannot lock " + (dir / ".lock").string() +
                                             ": a symbolic link (to " + outside.string()));
  CHECK(*read_file(outside) == "keep me\n");

  fs::remove(dir / ".lock");
  REQUIRE(::mkfifo((dir / ".lock").c_str(), 0644) == 0);
  int status = kevolve::test::in_child(
      [&] {
        auto fifo = LockFile::acquire(dir / ".lock", "kevolve tune");
        return !fifo && fifo.error().find("a FIFO") != std::string::npos ? 0 : 1;
      },
      20);
  CHECK(status == 0);
}
