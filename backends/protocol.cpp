#include "backends/protocol.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::backends {

std::string_view name_of(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::compile_error:
      return "compile_error";
    case Status::runtime_error:
      return "runtime_error";
    case Status::timeout:
      return "timeout";
    case Status::wrong_result:
      return "wrong_result";
    case Status::crashed:
      return "crashed";
    case Status::lost:
      return "lost";
    case Status::rejected:
      return "rejected";
  }
  return "?";
}

bool parse_status(std::string_view text, Status& status) {
  for (Status s : {Status::ok, Status::compile_error, Status::runtime_error, Status::timeout,
                   Status::wrong_result, Status::crashed, Status::rejected, Status::lost}) {
    if (name_of(s) == text) {
      status = s;
      return true;
    }
  }
  return false;
}

Description description_from(const util::Json& r) {
  Description d;
  auto member = [&](const char* key) -> const util::Json* {
    auto it = r.find(key);
    return it == r.end() ? nullptr : &*it;
  };
  if (const util::Json* sizes = member("sizes"); sizes && sizes->is_object()) {
    for (auto it = sizes->begin(); it != sizes->end(); ++it)
      d.sizes.emplace_back(it.key(), it->get<std::vector<long>>());
  }
  if (const util::Json* problem = member("problem"); problem && problem->is_object()) {
    for (auto it = problem->begin(); it != problem->end(); ++it)
      d.problem.emplace_back(it.key(), it->get<long>());
  }
  if (const util::Json* buffers = member("buffers"); buffers && buffers->is_array()) {
    for (const util::Json& b : *buffers) {
      d.buffers.push_back({b.value("name", ""), b.value("type", ""), b.value("role", ""),
                           b.value("count", std::size_t{0})});
      if (b.value("refillable", false)) d.refillable.push_back(d.buffers.back().name);
    }
  }
  d.traffic = r.value("traffic", 0.0);
  d.work = r.value("work", 0.0);
  if (const util::Json* tolerances = member("tolerances"); tolerances && tolerances->is_object()) {
    for (auto it = tolerances->begin(); it != tolerances->end(); ++it) {
      d.tolerances[it.key()] = {it->at(0).get<double>(), it->at(1).get<double>()};
    }
  }
  d.has_reference = r.value("has_reference", false);
  return d;
}

util::Json to_json(const Description& d) {
  util::Json sizes = util::Json::object(), problem = util::Json::object(),
             tolerances = util::Json::object();
  for (const auto& [name, values] : d.sizes) sizes[name] = values;
  for (const auto& [name, value] : d.problem) problem[name] = value;
  for (const auto& [name, tol] : d.tolerances) tolerances[name] = {tol.first, tol.second};
  util::Json buffers = util::Json::array();
  for (const BufferInfo& b : d.buffers) {
    bool refillable =
        std::find(d.refillable.begin(), d.refillable.end(), b.name) != d.refillable.end();
    buffers.push_back({{"name", b.name},
                       {"type", b.type},
                       {"role", b.role},
                       {"count", b.count},
                       {"refillable", refillable}});
  }
  return {{"sizes", sizes},
          {"problem", problem},
          {"buffers", buffers},
          {"traffic", d.traffic},
          {"work", d.work},
          {"tolerances", tolerances},
          {"has_reference", d.has_reference}};
}

}  // namespace kevolve::backends
