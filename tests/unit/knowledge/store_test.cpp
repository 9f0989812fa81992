#include "knowledge/store.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

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
