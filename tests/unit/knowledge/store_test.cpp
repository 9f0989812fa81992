#include "knowledge/store.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "knowledge/schema.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::knowledge;

namespace {

DeviceId id(const char* text) { return *DeviceId::parse(text); }

KnowledgeDir make_store(const test::TempDir& dir) {
  auto store = KnowledgeDir::open_or_create(dir / ".kevolve");
  REQUIRE(store);
  return std::move(*store);
}

}  // namespace

TEST_CASE("store: creating a directory writes its marker and ignore file", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  CHECK(*util::read_file(dir / ".kevolve/KNOWLEDGE.json") == "{\n  \"schema\": 1\n}\n");
  CHECK(*util::read_file(dir / ".kevolve/.gitignore") == "trials/\n.lock\n");
  CHECK(KnowledgeDir::open(dir / ".kevolve"));
}

TEST_CASE("store: opening checks the directory and its schema", "[knowledge][store]") {
  test::TempDir dir;
  auto none = KnowledgeDir::open(dir / "nowhere");
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("no knowledge directory"));

  dir.write("k/KNOWLEDGE.json", "{\"schema\": 3}\n");
  auto newer = KnowledgeDir::open(dir / "k");
  REQUIRE_FALSE(newer);
  CHECK_THAT(newer.error(), Catch::Contains("KNOWLEDGE.json: schema 3 is newer"));
  CHECK_THAT(newer.error(), Catch::Contains("upgrade kevolve"));

  dir.write("c/KNOWLEDGE.json", "{\"schema\": ");
  auto corrupt = KnowledgeDir::open(dir / "c");
  REQUIRE_FALSE(corrupt);
  CHECK_THAT(corrupt.error(), Catch::Contains("c/KNOWLEDGE.json:1:"));
}

TEST_CASE("store: wisdom round trip through the directory", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  Wisdom w = test::sample_wisdom();
  REQUIRE(store.write(w));
  auto file = dir / ".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json";
  std::string first = *util::read_file(file);
  CHECK(first == serialize(w));

  auto back = store.read("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
  REQUIRE(back);
  REQUIRE(back->has_value());
  REQUIRE(store.write(**back));
  CHECK(*util::read_file(file) == first);  // byte-identical after a read and a write

  CHECK(store.units() == std::vector<std::string>{"saxpy"});
  CHECK_FALSE(store.read("saxpy", id("cuda-sm_80-a100"))->has_value());
}

TEST_CASE("store: a file whose content disagrees with its path is an error", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  dir.write(".kevolve/saxpy/cuda-sm_80-nvidia-a100.json", serialize(test::sample_wisdom()));
  auto read = store.read("saxpy", id("cuda-sm_80-nvidia-a100"));
  REQUIRE_FALSE(read);
  CHECK_THAT(read.error(), Catch::Contains("its path says"));
}

TEST_CASE("store: lookup falls back device, arch, backend, defaults", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  REQUIRE(store.write(test::sample_wisdom("saxpy", "cuda-sm_90-nvidia-h100-80gb-hbm3")));
  REQUIRE(store.write(test::sample_wisdom("saxpy", "cuda-sm_80-nvidia-a100-sxm4-40gb")));
  REQUIRE(store.write(test::sample_wisdom("saxpy", "cpu-x86_64-amd-epyc")));

  auto exact = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
  REQUIRE(exact);
  CHECK(exact->match == Match::exact);
  CHECK(exact->wisdom->device_id == "cuda-sm_90-nvidia-h100-80gb-hbm3");

  auto arch = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-nvl"));
  REQUIRE(arch);
  CHECK(arch->match == Match::arch);
  CHECK(arch->wisdom->device_id == "cuda-sm_90-nvidia-h100-80gb-hbm3");

  auto backend = store.lookup("saxpy", id("cuda-sm_89-nvidia-l4"));
  REQUIRE(backend);
  CHECK(backend->match == Match::backend);
  CHECK(backend->wisdom->device_id == "cuda-sm_80-nvidia-a100-sxm4-40gb");  // first by id

  auto defaults = store.lookup("saxpy", id("hip-gfx90a-amd-instinct-mi250x"));
  REQUIRE(defaults);
  CHECK(defaults->match == Match::defaults);
  CHECK_FALSE(defaults->wisdom);
  CHECK(describe(defaults->match) == "defaults");

  auto unknown_unit = store.lookup("gemm", id("cpu-x86_64-amd-epyc"));
  REQUIRE(unknown_unit);
  CHECK(unknown_unit->match == Match::defaults);

  SECTION("a corrupt candidate is an error, never skipped") {
    dir.write(".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json", "{ truncated");
    auto broken = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error(), Catch::Contains("cuda-sm_90-nvidia-h100-80gb-hbm3.json"));
  }
}

TEST_CASE("store: the tune lock excludes a second run", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  auto held = store.lock("kevolve tune app");
  REQUIRE(held);
  pid_t pid = fork();
  if (pid == 0) {
    auto second = store.lock("kevolve tune app");
    _exit(!second && second.error().find("is locked by pid") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("store: unwritable directories fail with the path", "[knowledge][store]") {
  test::TempDir dir;
  dir.write("file", "x");
  auto store = KnowledgeDir::open_or_create(dir / "file" / ".kevolve");
  REQUIRE_FALSE(store);
  CHECK_THAT(store.error(), Catch::Contains("file/.kevolve"));

  KnowledgeDir good = make_store(dir);
  dir.write(".kevolve/saxpy", "a file where the unit directory should be");
  auto written = good.write(test::sample_wisdom());
  REQUIRE_FALSE(written);
  CHECK_THAT(written.error(), Catch::Contains(".kevolve/saxpy"));
}

// Hostile directories (issue 17): a committed .kevolve/ may hold links and special files.
namespace {

namespace fs = std::filesystem;

// A file outside the knowledge directory that a link points at; it must stay as it is.
struct Outside {
  explicit Outside(const test::TempDir& dir)
      : file(dir.write("outside/precious.json", serialize(test::sample_wisdom()))) {}
  std::string bytes() const { return *util::read_file(file); }
  bool untouched() const {
    return bytes() == serialize(test::sample_wisdom()) &&
           std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()) == 1;
  }
  fs::path file;
};

}  // namespace

TEST_CASE("store: a .lock that is a link is refused, its target kept", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  Outside outside(dir);
  fs::create_symlink(outside.file, dir / ".kevolve/.lock");
  auto held = store.lock("kevolve tune app");
  REQUIRE_FALSE(held);
  CHECK_THAT(held.error(),
             Catch::Contains(".kevolve/.lock: a symbolic link (to " + outside.file.string() + ")"));
  CHECK_THAT(held.error(), Catch::Contains("are not followed"));
  CHECK(outside.untouched());

  fs::remove(dir / ".kevolve/.lock");  // a dangling link: O_CREAT would have made its target
  fs::create_symlink(dir / "outside/made-by-lock", dir / ".kevolve/.lock");
  CHECK_FALSE(store.lock("kevolve tune app"));
  CHECK_FALSE(fs::exists(dir / "outside/made-by-lock"));
}

TEST_CASE("store: a unit directory that is a link receives nothing and is not read",
          "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  Outside outside(dir);
  fs::rename(outside.file, dir / "outside/cuda-sm_90-nvidia-h100-80gb-hbm3.json");
  outside.file = dir / "outside/cuda-sm_90-nvidia-h100-80gb-hbm3.json";
  fs::create_directory_symlink(dir / "outside", dir / ".kevolve/saxpy");

  Wisdom changed = test::sample_wisdom();
  changed.source_hash = "xxh3:changed";
  auto written = store.write(changed);
  REQUIRE_FALSE(written);
  CHECK_THAT(written.error(), Catch::Contains(".kevolve/saxpy: a symbolic link"));
  CHECK(outside.untouched());

  auto lookup = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
  REQUIRE_FALSE(lookup);
  CHECK_THAT(lookup.error(), Catch::Contains(".kevolve/saxpy: a symbolic link"));
  CHECK_FALSE(store.read("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3")));
  CHECK(store.units().empty());
  CHECK(store.devices("saxpy").empty());

  WisdomEntries entries = list_wisdom(dir / ".kevolve", {});
  CHECK(entries.unit_dirs.empty());
  CHECK(entries.files == std::vector<fs::path>{dir / ".kevolve/saxpy"});
}

TEST_CASE("store: a wisdom file that is a link is refused by name, never read",
          "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  Outside outside(dir);
  fs::create_directories(dir / ".kevolve/saxpy");
  fs::create_symlink(outside.file, dir / ".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json");

  CHECK(store.devices("saxpy") == std::vector<DeviceId>{id("cuda-sm_90-nvidia-h100-80gb-hbm3")});
  auto lookup = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
  REQUIRE_FALSE(lookup);
  CHECK_THAT(lookup.error(), Catch::Contains("cuda-sm_90-nvidia-h100-80gb-hbm3.json: a symbolic "
                                             "link (to " +
                                             outside.file.string() + ")"));
  CHECK(list_wisdom(dir / ".kevolve", {"saxpy"}).files.size() == 1);

  // Writing replaces the link with a file of its own; the target is untouched.
  REQUIRE(store.write(test::sample_wisdom()));
  CHECK(fs::is_regular_file(
      fs::symlink_status(dir / ".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json")));
  CHECK(outside.untouched());
}

TEST_CASE("store: KNOWLEDGE.json that is /dev/zero, a FIFO or too large is refused at once",
          "[knowledge][store]") {
  test::TempDir dir;
  fs::create_directories(dir / "k");
  SECTION("a link to /dev/zero") {
    fs::create_symlink("/dev/zero", dir / "k/KNOWLEDGE.json");
    auto opened = KnowledgeDir::open(dir / "k");
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error(), Catch::Contains("KNOWLEDGE.json: a symbolic link (to /dev/zero)"));
    CHECK_FALSE(KnowledgeDir::open_or_create(dir / "k"));
  }
  SECTION("a FIFO") {
    REQUIRE(::mkfifo((dir / "k/KNOWLEDGE.json").c_str(), 0644) == 0);
    int status = test::in_child(
        [&] {
          auto opened = KnowledgeDir::open(dir / "k");
          return !opened && opened.error().find("KNOWLEDGE.json: not a regular file (a FIFO)") !=
                                std::string::npos
                     ? 0
                     : 1;
        },
        20);
    CHECK(status == 0);
  }
  SECTION("larger than the limit") {
    { std::ofstream(dir / "k/KNOWLEDGE.json") << "{\"schema\": 1}"; }
    fs::resize_file(dir / "k/KNOWLEDGE.json", k_max_wisdom_bytes + 1);  // sparse
    auto opened = KnowledgeDir::open(dir / "k");
    REQUIRE_FALSE(opened);
    CHECK_THAT(opened.error(), Catch::Contains("more than the limit of 16 MiB"));
  }
}

TEST_CASE("store: wisdom nested 100,000 deep is an error, not a crash", "[knowledge][store]") {
  test::TempDir dir;
  KnowledgeDir store = make_store(dir);
  std::string deep =
      "{\"schema\": 1, \"unit\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  dir.write(".kevolve/saxpy/cuda-sm_90-nvidia-h100-80gb-hbm3.json", deep);
  int status = test::in_child(
      [&] {
        auto lookup = store.lookup("saxpy", id("cuda-sm_90-nvidia-h100-80gb-hbm3"));
        return !lookup &&
                       lookup.error().find("hbm3.json:1:86: JSON nested deeper than 64 levels") !=
                           std::string::npos
                   ? 0
                   : 1;
      },
      20);
  CHECK(status == 0);
}
