#pragma once

// What a space string declares (docs/design.md §3), as parsed: parameters with their value lists,
// constraints as expression trees, options. Space (space.hpp) turns it into the set of valid
// points for given hardware facts.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace kevolve::space {

// A parameter value: an integer or an identifier (a type name such as `float`).
class Value {
 public:
  explicit Value(std::int64_t integer) : m_value(integer) {}
  explicit Value(std::string identifier) : m_value(std::move(identifier)) {}

  bool is_integer() const { return std::holds_alternative<std::int64_t>(m_value); }
  std::int64_t integer() const { return std::get<std::int64_t>(m_value); }
  const std::string& identifier() const { return std::get<std::string>(m_value); }
  std::string to_string() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<std::int64_t, std::string> m_value;
};

struct Parameter {
  std::string name;
  std::vector<Value> values;  // in declaration order, no duplicates
  std::size_t offset = 0;     // of the name, in bytes from the start of the space text

  bool is_integer() const;  // every value is an integer: usable in constraints
};

// Expression nodes live in one pool per spec; children are indices into it.
enum class Op : std::uint8_t {
  constant,
  parameter,  // value: the parameter's index
  fact,       // name: a hardware fact, resolved when the space is built
  negate,
  logical_not,
  add,
  subtract,
  multiply,
  divide,
  modulo,
  less,
  less_equal,
  greater,
  greater_equal,
  equal,
  not_equal,
  logical_and,
  logical_or,
};

struct Node {
  Op op = Op::constant;
  std::int32_t lhs = -1;
  std::int32_t rhs = -1;
  std::int64_t value = 0;
  std::string fact;
  std::size_t offset = 0;  // the operator, literal or name
  std::size_t begin = 0;   // the span of the whole subexpression
  std::size_t end = 0;
};

// One conjunct of the constraints. The `require` items of a space form one conjunction,
// evaluated left to right like C's &&; the parser splits it at top-level && so that each
// conjunct can prune as soon as its own parameters are known.
struct Constraint {
  std::int32_t root = -1;
  std::vector<std::size_t> parameters;  // indices of the parameters it reads, ascending
  std::size_t begin = 0;                // its text span
  std::size_t end = 0;
};

enum class InjectMode { param, macros };

struct SpaceSpec {
  std::string text;
  std::vector<Parameter> parameters;
  std::vector<Node> nodes;
  std::vector<Constraint> constraints;
  InjectMode inject = InjectMode::param;

  std::string_view constraint_text(const Constraint& c) const {
    return std::string_view(text).substr(c.begin, c.end - c.begin);
  }
  // Index of the parameter called `name`, or -1.
  int find_parameter(std::string_view name) const;
};

}  // namespace kevolve::space
