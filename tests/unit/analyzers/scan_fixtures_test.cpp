// Scans each annotated fixture (fixtures/README.md) and checks it against the expectations
// written beside its code.

#include "analyzers/scan.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <regex>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::analyzers;

namespace {

namespace fs = std::filesystem;

struct Expected {
  struct Unit {
    std::string name, function, inject;
    bool harness = false;
  };
  struct Param {
    std::string unit, name, default_text;
    std::size_t uses = 0;
  };
  struct Template {
    std::string unit, name, kind;
  };
  struct Problem {
    analyzers::Problem::Severity severity;
    unsigned line = 0;
    unsigned column = 0;  // 0: any
    std::string text;
  };
  std::vector<Unit> units;
  std::vector<Param> params;
  std::vector<Template> templates;
  std::map<std::string, std::size_t> kernel_begin, body_begin, end;
  std::vector<Problem> problems;
};

std::map<std::string, std::string> key_values(std::string_view text) {
  std::map<std::string, std::string> out;
  for (std::string_view word : util::split(text, ' ')) {
    auto eq = word.find('=');
    if (eq != std::string_view::npos)
      out[std::string(word.substr(0, eq))] = std::string(word.substr(eq + 1));
  }
  return out;
}

Expected read_expectations(const std::string& text) {
  static const std::regex k_directive(R"(// expect-([a-z-]+)(?:@([0-9]+))?: ?(.*)$)");
  Expected e;
  std::size_t line_start = 0;
  unsigned line_number = 0;
  for (std::string_view line : util::split(text, '\n')) {
    ++line_number;
    std::string l(line);
    std::smatch m;
    if (std::regex_search(l, m, k_directive)) {
      std::string kind = m[1];
      std::string rest = m[3];
      auto words = util::split(rest, ' ');
      std::string first(words.empty() ? "" : words[0]);
      std::string code = l.substr(0, static_cast<std::size_t>(m.position(0)));
      if (kind == "unit") {
        auto kv = key_values(rest);
        e.units.push_back({first, kv["function"], kv["inject"], kv["harness"] == "yes"});
      } else if (kind == "param") {
        auto kv = key_values(rest);
        e.params.push_back(
            {first, std::string(words.at(1)), kv["default"], std::stoul(kv["uses"])});
      } else if (kind == "template") {
        e.templates.push_back({first, std::string(words.at(1)), std::string(words.at(2))});
      } else if (kind == "kernel-begin") {
        e.kernel_begin[first] = line_start + code.find_first_not_of(" \t");
      } else if (kind == "body-begin") {
        e.body_begin[first] = line_start + code.rfind('{');
      } else if (kind == "end") {
        e.end[first] = line_start + code.rfind('}') + 1;
      } else if (kind == "error" || kind == "warning") {
        e.problems.push_back(
            {kind == "error" ? Problem::Severity::error : Problem::Severity::warning, line_number,
             m[2].matched ? static_cast<unsigned>(std::stoul(m[2])) : 0u, rest});
      } else {
        FAIL("unknown expectation: " << l);
      }
    }
    line_start += line.size() + 1;
  }
  return e;
}

TargetScan scan_fixture(const fs::path& file, const test::TempDir& work) {
  auto env = make_environment(nullptr, work.path());
  REQUIRE(env);
  CompileGroup group;
  group.standard = "17";
  group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
  Language language = *language_of_file(file);
  auto args = clang_args(group, language, *env);
  REQUIRE(args);
  ScanRequest request{"fixture", file.parent_path(), {SourceJob{file, language, *args}}, {}};
  ParseOptions options;
  options.jobs = 1;
  options.work_dir = work.path();
  return scan_target(request, options);
}

std::string describe(const Problem& p) {
  return fmt::format("{}:{}:{}: {}: {}", p.where.file, p.where.line, p.where.column,
                     p.severity == Problem::Severity::error ? "error" : "warning", p.message);
}

void check_fixture(const std::string& name) {
  fs::path file = fs::path(KEVOLVE_FIXTURES_DIR) / name;
  auto text = util::read_file(file);
  REQUIRE(text);
  test::TempDir work;
  // The scanner's own search for the toolkit (CUDA_PATH, /usr/local/cuda).
  if (file.extension() == ".cu") {
    auto env = make_environment(nullptr, work.path());
    REQUIRE(env);
    if (env->cuda_path.empty()) KEVOLVE_SKIP("no CUDA toolkit here");
  }
  Expected expected = read_expectations(*text);
  TargetScan scan = scan_fixture(file, work);
  INFO(name);
  for (const Problem& p : scan.problems) UNSCOPED_INFO("problem: " << describe(p));

  std::vector<std::string> names;
  for (const Unit& u : scan.units) names.push_back(u.name);
  std::vector<std::string> expected_names;
  for (const auto& u : expected.units) expected_names.push_back(u.name);
  std::sort(expected_names.begin(), expected_names.end());
  CHECK(names == expected_names);

  for (const auto& eu : expected.units) {
    const Unit* u = scan.find(eu.name);
    if (!u) continue;
    INFO("unit " << eu.name);
    CHECK(u->kernel.function == eu.function);
    CHECK((u->inject == space::InjectMode::macros ? "macros" : "param") == eu.inject);
    CHECK(u->harness.has_value() == eu.harness);
    CHECK(u->hash.rfind("xxh3:", 0) == 0);
    if (expected.kernel_begin.count(eu.name))
      CHECK(u->kernel.begin == expected.kernel_begin[eu.name]);
    if (expected.body_begin.count(eu.name))
      CHECK(u->kernel.body_begin == expected.body_begin[eu.name]);
    if (expected.end.count(eu.name)) {
      CHECK(u->kernel.end == expected.end[eu.name]);
      CHECK(u->kernel.body_end == expected.end[eu.name]);
    }
  }
  for (const auto& ep : expected.params) {
    INFO("param " << ep.unit << "." << ep.name);
    const Unit* u = scan.find(ep.unit);
    REQUIRE(u);
    auto p = std::find_if(u->params.begin(), u->params.end(),
                          [&](const Param& x) { return x.name == ep.name; });
    REQUIRE(p != u->params.end());
    CHECK(p->default_text == ep.default_text);
    CHECK(p->uses.size() == ep.uses);
  }
  for (const auto& et : expected.templates) {
    INFO("template parameter " << et.unit << "." << et.name);
    const Unit* u = scan.find(et.unit);
    REQUIRE(u);
    auto t = std::find_if(u->kernel.template_params.begin(), u->kernel.template_params.end(),
                          [&](const TemplateParam& x) { return x.name == et.name; });
    REQUIRE(t != u->kernel.template_params.end());
    CHECK(t->kind == et.kind);
  }

  std::vector<bool> matched(expected.problems.size(), false);
  for (const Problem& p : scan.problems) {
    bool found = false;
    for (std::size_t i = 0; i < expected.problems.size() && !found; ++i) {
      const auto& ep = expected.problems[i];
      if (!matched[i] && p.severity == ep.severity && p.where.file == file.string() &&
          p.where.line == ep.line && (ep.column == 0 || p.where.column == ep.column) &&
          p.message.find(ep.text) != std::string::npos) {
        matched[i] = found = true;
      }
    }
    if (!found) FAIL_CHECK("unexpected problem: " << describe(p));
  }
  for (std::size_t i = 0; i < matched.size(); ++i) {
    if (!matched[i]) {
      FAIL_CHECK("expected problem not reported: line " << expected.problems[i].line << ": "
                                                        << expected.problems[i].text);
    }
  }
}

}  // namespace

#define KEVOLVE_FIXTURE(file) \
  TEST_CASE("scan fixture: " file, "[analyzers][scan]") { check_fixture(file); }

KEVOLVE_FIXTURE("template_kernel.cu")
KEVOLVE_FIXTURE("plain_kernel.cu")
KEVOLVE_FIXTURE("namespaces.cpp")
KEVOLVE_FIXTURE("class_member.cpp")
KEVOLVE_FIXTURE("several_units.cu")
KEVOLVE_FIXTURE("macros_unit.cu")
KEVOLVE_FIXTURE("cub_cg.cu")
KEVOLVE_FIXTURE("device_only.cu")
KEVOLVE_FIXTURE("hip_kernel.hip")
KEVOLVE_FIXTURE("cpp_unit.cpp")
KEVOLVE_FIXTURE("bad_space.cu")
KEVOLVE_FIXTURE("empty_space.cpp")
KEVOLVE_FIXTURE("bad_escape.cpp")
KEVOLVE_FIXTURE("bad_params.cpp")
KEVOLVE_FIXTURE("bad_units.cpp")
KEVOLVE_FIXTURE("unparseable.cpp")
