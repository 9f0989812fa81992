// Splicing a variant into its kernel's file: compiled by g++ from another directory, errors
// land at the original's lines outside the variant and at the variant file's lines inside it,
// and the original's quoted includes still resolve.

#include "tool/variant/splice.hpp"

#include "util/files.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;

namespace {

namespace fs = std::filesystem;

// Line 1..13; the kernel is lines 5..8.
const std::string k_source =
    "#include \"helper.h\"\n"                               // 1
    "#ifdef BAD_BEFORE\nint before = undeclared_before;\n"  // 2, 3
    "#endif\n"                                              // 4
    "KEVOLVE_TUNE(k, \"A: 1, 2\")\n"                        // 5
    "int kernel(int x) {\n"                                 // 6
    "  return x * HELPER;\n"                                // 7
    "}\n"                                                   // 8
    "\n"                                                    // 9
    "int after_kernel() { return kernel(2); }\n"            // 10
    "#ifdef BAD_AFTER\nint after = undeclared_after;\n"     // 11, 12
    "#endif\n";                                             // 13

const std::string k_variant =
    "KEVOLVE_TUNE(k, \"A: 1, 2, 4\")\n"                   // 1
    "int kernel(int x) {\n"                               // 2
    "#ifdef BAD_IN\n  int in = undeclared_in;\n#endif\n"  // 3, 4, 5
    "  return HELPER * x;\n"                              // 6
    "}";                                                  // 7, no final newline

std::size_t kernel_begin() { return k_source.find("KEVOLVE_TUNE"); }
std::size_t kernel_end() { return k_source.find("}\n") + 1; }

struct Compiled {
  bool ran = false;
  std::string output;
  bool ok = false;
};

Compiled compile(const fs::path& file, const std::string& define) {
  std::vector<std::string> argv{"g++", "-std=c++17", "-fsyntax-only", "-DKEVOLVE_TUNE(u,s)="};
  if (!define.empty()) argv.push_back("-D" + define);
  argv.push_back(file.string());
  util::ProcessOptions options;
  options.cwd = file.parent_path();
  options.timeout = std::chrono::seconds(60);
  auto result = util::run_process(argv, options);
  if (!result) return {};
  return {true, result->output, result->ok()};
}

}  // namespace

TEST_CASE("splice: the text around the variant, with #line directives", "[variant][splice]") {
  variant::Spliced s = variant::splice(
      {k_source, kernel_begin(), kernel_end(), k_variant, "/src/k.cpp", "/knowledge/v.cpp"});
  CHECK_THAT(s.text, Catch::StartsWith("#line 1 \"/src/k.cpp\"\n"));
  CHECK(s.text.substr(s.code_begin, s.code_end - s.code_begin) == k_variant + "\n");
  CHECK(s.text.substr(s.code_begin - 27, 27) == "#line 1 \"/knowledge/v.cpp\"\n");
  // The rest of line 8 (after the closing brace) is line 8 again.
  CHECK(s.text.substr(s.code_end, 21) == "#line 8 \"/src/k.cpp\"\n");
  CHECK(s.text.substr(s.code_end + 21) == k_source.substr(kernel_end()));
}

TEST_CASE("splice: a kernel that starts inside a line gets a line of its own",
          "[variant][splice]") {
  std::string source = "int a; int kernel() { return 1; }\nint b;\n";
  variant::Spliced s =
      variant::splice({source, 7, source.find('}') + 1, "int kernel() {}\n", "k.cpp", "v.cpp"});
  CHECK(s.text ==
        "#line 1 \"k.cpp\"\nint a; \n#line 1 \"v.cpp\"\nint kernel() {}\n#line 1 \"k.cpp\"\n\n"
        "int b;\n");
}

TEST_CASE("splice: paths in #line are escaped", "[variant][splice]") {
  variant::Spliced s =
      variant::splice({"int k() {}\n", 0, 10, "int k() {}\n", "dir\\a\"b.cpp", "new\nline.cpp"});
  CHECK_THAT(s.text, Catch::StartsWith("#line 1 \"dir\\\\a\\\"b.cpp\"\n"));
  CHECK(s.text.find("#line 1 \"new\\012line.cpp\"\n") != std::string::npos);
}

TEST_CASE("splice: g++ reports errors at the original's and the variant's lines",
          "[variant][splice]") {
  test::TempDir dir;
  fs::path source = dir.write("src/k.cpp", k_source);
  dir.write("src/helper.h", "#define HELPER 3\n");
  fs::path variant_file = dir.write("knowledge/v\"q.cpp", k_variant);
  variant::Spliced s = variant::splice(
      {k_source, kernel_begin(), kernel_end(), k_variant, source.string(), variant_file.string()});
  fs::path spliced = dir.write("build/k.cpp", s.text);

  Compiled clean = compile(spliced, "");
  if (!clean.ran) KEVOLVE_SKIP("g++ cannot be run here");
  INFO(clean.output);
  CHECK(clean.ok);  // helper.h is found from build/, through its absolute path

  std::string original = source.string();
  Compiled before = compile(spliced, "BAD_BEFORE");
  CHECK_THAT(before.output,
             Catch::Contains(original + ":3:") && Catch::Contains("undeclared_before"));
  Compiled after = compile(spliced, "BAD_AFTER");
  CHECK_THAT(after.output,
             Catch::Contains(original + ":12:") && Catch::Contains("undeclared_after"));
  Compiled in = compile(spliced, "BAD_IN");
  CHECK_THAT(in.output,
             Catch::Contains(variant_file.string() + ":4:") && Catch::Contains("undeclared_in"));
  CHECK_THAT(in.output, !Catch::Contains(spliced.string()));
}

TEST_CASE("splice: quoted includes are made absolute line for line, others stay",
          "[variant][splice]") {
  test::TempDir dir;
  dir.write("src/near.h", "");
  dir.write("src/sub/deep.h", "");
  std::string source =
      "#include \"near.h\"\n  #  include \"sub/deep.h\" // note\n#include \"missing.h\"\n"
      "#include <vector>\n#include \"/abs.h\"\nint k() { return 0; }\n#include \"near.h\"\n";
  std::size_t begin = source.find("int k");
  std::size_t end = source.find("}\n") + 1;
  fs::path file = dir / "src/k.cpp";
  variant::Spliced s = variant::splice(
      {source, begin, end, "#include \"near.h\"\nint k() { return 1; }\n", file.string(), "v.cpp"});
  std::string near = (dir / "src/near.h").string();
  std::string expected = "#line 1 \"" + file.string() + "\"\n#include \"" + near +
                         "\"\n  #  include \"" + (dir / "src/sub/deep.h").string() +
                         "\" // note\n#include \"missing.h\"\n#include <vector>\n"
                         "#include \"/abs.h\"\n#line 1 \"v.cpp\"\n#include \"near.h\"\n"
                         "int k() { return 1; }\n#line 6 \"" +
                         file.string() +
                         "\"\n\n"
                         "#include \"" +
                         near + "\"\n";
  CHECK(s.text == expected);
}
