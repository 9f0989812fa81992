// The unit tests' main: Catch2's session, plus the skips of skip.hpp. A listener counts the test
// cases that start; skip() records the current one. When every test case that ran was skipped
// and nothing failed, the exit status is 77, which CTest reads as "Skipped".
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <iostream>
#include <map>
#include <string>

#include "skip.hpp"

namespace {

struct Runs {
  int started = 0;
  std::string current;
  std::map<std::string, std::string> skipped;  // test case -> why (once, even with sections)
};

Runs& runs() {
  static Runs r;
  return r;
}

struct CountTestCases : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    ++runs().started;
    runs().current = info.name;
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(CountTestCases)

namespace kevolve::test {

void skip(std::string_view why) {
  std::cerr << "skipped: " << runs().current << ": " << why << "\n";
  runs().skipped.emplace(runs().current, std::string(why));
}

}  // namespace kevolve::test

int main(int argc, char* argv[]) {
  int result = Catch::Session().run(argc, argv);
  const Runs& r = runs();
  if (result != 0) {
    // Catch returns the number of failed assertions: 77 of them must not read as a skip.
    return result == kevolve::test::k_skipped_exit_code ? 1 : result;
  }
  if (r.skipped.empty()) return 0;
  if (static_cast<int>(r.skipped.size()) == r.started) return kevolve::test::k_skipped_exit_code;
  std::cerr << r.skipped.size() << " of " << r.started << " test cases did not run:\n";
  for (const auto& [name, why] : r.skipped) std::cerr << "  " << name << ": " << why << "\n";
  return 0;
}
