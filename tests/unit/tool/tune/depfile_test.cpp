#include "tool/tune/depfile.hpp"

#include "temp_dir.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
namespace fs = std::filesystem;

TEST_CASE("depfile: a space, # and $ are escaped as GCC writes them", "[depfile]") {
  CHECK(tune::depfile_escape("/src/a b/k#1/$x/é.cpp") == "/src/a\\ b/k\\#1/$$x/é.cpp");
  CHECK(tune::depfile_escape("plain/path_1-2+3,~@=.h") == "plain/path_1-2+3,~@=.h");
  // Ninja before 1.13 ends a name at these, whatever precedes them.
  for (const char* path : {"a'b", "a\"b", "a&b", "a?b", "a\\b", "a:b", "a*b", "a\nb", "a\tb", ""})
    CHECK_FALSE(tune::depfile_escape(path));
}

TEST_CASE("depfile: paths under the build directory are relative, others go through links",
          "[depfile]") {
  test::TempDir dir;
  const fs::path build = dir / "build";
  const fs::path quoted = dir.write("it's \"here\"/a.cpp", "int a;\n");
  const fs::path spaced = dir.write("a b/c#d.h", "\n");
  const fs::path depfile = build / "kevolve" / "app" / "apply.d";
  fs::create_directories(depfile.parent_path());
  REQUIRE(tune::write_depfile(depfile, build, build / "kevolve/app/apply.stamp",
                              {quoted.string(), spaced.string(), (build / "x.json").string()}));
  auto text = util::read_file(depfile);
  REQUIRE(text);
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = text->find('\n', at)) != std::string::npos; at = end + 1)
    lines.push_back(text->substr(at, end - at));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "kevolve/app/apply.stamp: \\");
  CHECK(lines[1].rfind("  kevolve/app/inputs/", 0) == 0);
  const fs::path link = build / lines[1].substr(2, lines[1].size() - 4);
  CHECK(fs::read_symlink(link) == quoted);
  CHECK(fs::equivalent(link, quoted));
  CHECK(lines[2] == "  " + *tune::depfile_escape(spaced.string()) + " \\");
  CHECK(lines[3] == "  x.json");

  SECTION("written again, the same text and the same link") {
    auto before = fs::last_write_time(depfile);
    REQUIRE(tune::write_depfile(depfile, build, build / "kevolve/app/apply.stamp",
                                {quoted.string(), spaced.string(), (build / "x.json").string()}));
    CHECK(*util::read_file(depfile) == *text);
    CHECK(fs::last_write_time(depfile) == before);
    CHECK(fs::read_symlink(link) == quoted);
  }
}
