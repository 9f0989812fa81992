#include "space/parser.hpp"

// How this works: a hand-written lexer and recursive-descent parser over the grammar of
// docs/design.md §3, with C's operator precedence for constraints (|| < && < == != < relational <
// additive < multiplicative < unary). Every token keeps its byte offset, so every error points
// at the exact column. After parsing, names in constraints are resolved to parameters or
// facts, and the `require` items are split at top-level && into conjuncts. Errors unwind the
// recursion as a ParseFailure that never leaves this file: parse_space returns it as a value.
//
// Untrusted text must not exhaust the stack: the parser counts the parentheses and unary
// operators it is inside (where it recurses) and every node records its depth, both bounded by
// k_max_depth, so that everything that walks a condition recurses at most that deep. A require
// item's top-level && chain is kept as a list of conditions, not a tree, so that a long
// conjunction is not deep. Value lists and parameter names are checked for duplicates through
// hash tables, so a parameter of 65,536 values parses in linear time.

#include "space/facts.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <memory_resource>
#include <set>
#include <unordered_map>

namespace kevolve::space {

namespace {

enum class Tok {
  name,
  integer,
  colon,
  semicolon,
  comma,
  dotdot,
  lparen,
  rparen,
  plus,
  minus,
  star,
  slash,
  percent,
  less,
  less_equal,
  greater,
  greater_equal,
  equal_equal,
  not_equal,
  and_and,
  or_or,
  bang,
  end,
};

struct Token {
  Tok kind = Tok::end;
  std::size_t offset = 0;
  std::string_view text;
  std::int64_t value = 0;
};

struct ParseFailure {
  SpaceError error;
};

[[noreturn]] void fail(std::size_t offset, std::string message, std::string note = {}) {
  throw ParseFailure{SpaceError{offset, std::move(message), std::move(note)}};
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::end:
      return "the end of the space";
    case Tok::name:
      return fmt::format("'{}'", t.text);
    case Tok::integer:
      return fmt::format("the number {}", t.text);
    default:
      return fmt::format("'{}'", t.text);
  }
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : m_text(text) {}

  std::vector<Token> tokenize() {
    std::vector<Token> tokens;
    while (true) {
      skip_space();
      if (m_pos >= m_text.size()) {
        tokens.push_back(Token{Tok::end, m_text.size(), {}, 0});
        return tokens;
      }
      tokens.push_back(next());
    }
  }

 private:
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) {
      ++m_pos;
    }
  }

  Token make(Tok kind, std::size_t length) {
    Token t{kind, m_pos, m_text.substr(m_pos, length), 0};
    m_pos += length;
    return t;
  }

  Token next() {
    char c = m_text[m_pos];
    char d = m_pos + 1 < m_text.size() ? m_text[m_pos + 1] : '\0';
    if (is_name_start(c)) {
      std::size_t end = m_pos;
      while (end < m_text.size() && is_name_char(m_text[end])) ++end;
      return make(Tok::name, end - m_pos);
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return number();
    switch (c) {
      case ':':
        return make(Tok::colon, 1);
      case ';':
        return make(Tok::semicolon, 1);
      case ',':
        return make(Tok::comma, 1);
      case '(':
        return make(Tok::lparen, 1);
      case ')':
        return make(Tok::rparen, 1);
      case '+':
        return make(Tok::plus, 1);
      case '-':
        return make(Tok::minus, 1);
      case '*':
        return make(Tok::star, 1);
      case '/':
        return make(Tok::slash, 1);
      case '%':
        return make(Tok::percent, 1);
      case '<':
        return d == '=' ? make(Tok::less_equal, 2) : make(Tok::less, 1);
      case '>':
        return d == '=' ? make(Tok::greater_equal, 2) : make(Tok::greater, 1);
      case '!':
        return d == '=' ? make(Tok::not_equal, 2) : make(Tok::bang, 1);
      case '=':
        if (d == '=') return make(Tok::equal_equal, 2);
        fail(m_pos, "'=' is not an operator of the space language; compare with '=='");
      case '&':
        if (d == '&') return make(Tok::and_and, 2);
        fail(m_pos, "unknown operator '&'", k_operators);
      case '|':
        if (d == '|') return make(Tok::or_or, 2);
        fail(m_pos, "unknown operator '|'", k_operators);
      case '.':
        if (d == '.') return make(Tok::dotdot, 2);
        fail(m_pos, "unexpected '.': ranges are written 'a..b'");
      default:
        break;
    }
    auto u = static_cast<unsigned char>(c);
    if (std::isprint(u)) fail(m_pos, fmt::format("unknown character '{}'", c));
    fail(m_pos, fmt::format("unknown character (byte 0x{:02x})", u));
  }

  Token number() {
    std::size_t begin = m_pos;
    std::size_t end = m_pos;
    int base = 10;
    if (m_text[end] == '0' && end + 1 < m_text.size() &&
        (m_text[end + 1] == 'x' || m_text[end + 1] == 'X')) {
      base = 16;
      end += 2;
      while (end < m_text.size() && std::isxdigit(static_cast<unsigned char>(m_text[end]))) ++end;
    } else {
      while (end < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[end]))) ++end;
    }
    if (end < m_text.size() && is_name_char(m_text[end])) {
      while (end < m_text.size() && is_name_char(m_text[end])) ++end;
      fail(begin, fmt::format("'{}' is not a number", m_text.substr(begin, end - begin)));
    }
    std::string_view digits = m_text.substr(begin, end - begin);
    if (base == 10 && digits.size() > 1 && digits[0] == '0') {
      fail(begin, fmt::format("'{}' has a leading zero; octal numbers are not supported", digits));
    }
    if (base == 16 && digits.size() == 2) fail(begin, "'0x' needs hexadecimal digits");
    std::int64_t value = 0;
    std::string_view body = base == 16 ? digits.substr(2) : digits;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, base);
    if (ec != std::errc()) {
      fail(begin, fmt::format("the number {} does not fit in a 64-bit signed integer", digits));
    }
    m_pos = end;
    return Token{Tok::integer, begin, digits, value};
  }

  static constexpr const char* k_operators =
      "constraints use + - * / % < <= > >= == != && || ! and parentheses";

  std::string_view m_text;
  std::size_t m_pos = 0;
};

// A name seen in a constraint, resolved once every parameter is known.
struct NameUse {
  std::int32_t node;
  std::string_view name;
};

// The values of the parameter being parsed, for duplicate checks: where each was written. The
// tables' nodes come from one growing buffer, not one allocation each.
struct ValuesSeen {
  std::vector<std::size_t> offsets;
  std::pmr::monotonic_buffer_resource pool;
  std::pmr::unordered_map<std::int64_t, std::size_t> integers{&pool};  // value -> index
  std::pmr::unordered_map<std::string, std::size_t> identifiers{&pool};
};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : m_tokens(std::move(tokens)) {
    m_spec.text = std::string(text);
  }

  SpaceSpec parse() {
    while (peek().kind != Tok::end) {
      item();
      if (peek().kind == Tok::end) break;
      if (peek().kind != Tok::semicolon) {
        fail(peek().offset, fmt::format("expected ';' between items, found {}", describe(peek())));
      }
      advance();
    }
    resolve_names();
    split_conjuncts();
    return std::move(m_spec);
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
  }
  const Token& advance() { return m_tokens[m_pos++]; }

  void item() {
    const Token& t = peek();
    if (t.kind == Tok::semicolon) {
      fail(t.offset, "empty item: expected a parameter, 'require' or 'inject' before ';'");
    }
    if (t.kind != Tok::name) {
      fail(t.offset, fmt::format("expected a parameter 'NAME: values', 'require <condition>' or "
                                 "'inject: param|macros', found {}",
                                 describe(t)));
    }
    if (t.text == "require") {
      if (peek(1).kind == Tok::colon) {
        fail(t.offset, "'require' is a keyword and cannot name a parameter");
      }
      advance();
      requirement();
      return;
    }
    if (t.text == "inject" && peek(1).kind == Tok::colon) {
      option();
      return;
    }
    if (peek(1).kind != Tok::colon) {
      fail(peek(1).offset, fmt::format("expected ':' after parameter name '{}', found {}", t.text,
                                       describe(peek(1))));
    }
    parameter();
  }

  void option() {
    std::size_t at = advance().offset;
    advance();  // ':'
    const Token& mode = peek();
    if (mode.kind != Tok::name || (mode.text != "param" && mode.text != "macros")) {
      fail(mode.offset,
           fmt::format("expected 'param' or 'macros' after 'inject:', found {}", describe(mode)));
    }
    if (m_seen_inject) fail(at, "'inject' is given twice");
    m_seen_inject = true;
    m_spec.inject = mode.text == "macros" ? InjectMode::macros : InjectMode::param;
    advance();
  }

  void parameter() {
    const Token& name = advance();
    auto [seen, added] = m_parameter_at.emplace(name.text, m_spec.parameters.size());
    if (!added) {
      auto first = util_position(m_spec.parameters[seen->second].offset);
      fail(name.offset,
           fmt::format("parameter '{}' is declared twice (first at {})", name.text, first));
    }
    Parameter param;
    param.name = std::string(name.text);
    param.offset = name.offset;
    std::size_t colon = advance().offset;
    if (peek().kind == Tok::semicolon || peek().kind == Tok::end) {
      fail(peek().kind == Tok::end ? colon + 1 : peek().offset,
           fmt::format("parameter '{}' has no values: expected an integer, a range 'a..b' or an "
                       "identifier after ':'",
                       param.name));
    }
    ValuesSeen values_seen;
    while (true) {
      value_list_part(param, values_seen);
      if (peek().kind != Tok::comma) break;
      std::size_t comma = advance().offset;
      if (peek().kind == Tok::semicolon || peek().kind == Tok::end) {
        fail(peek().kind == Tok::end ? comma + 1 : peek().offset,
             fmt::format("expected a value after ',' in parameter '{}'", param.name));
      }
    }
    if (peek().kind != Tok::semicolon && peek().kind != Tok::end) {
      fail(peek().offset,
           fmt::format("expected ',' or ';' after a value of parameter '{}', found {}", param.name,
                       describe(peek())));
    }
    // Refused here already, as Space::build would, so that no more of such a space is parsed.
    if (__builtin_mul_overflow(m_raw_size, param.values.size(), &m_raw_size)) {
      fail(param.offset, "the space has more than 2^64 points before constraints");
    }
    m_spec.parameters.push_back(std::move(param));
  }

  std::int64_t signed_integer(std::string_view what) {
    bool negative = false;
    std::size_t at = peek().offset;
    if (peek().kind == Tok::minus) {
      negative = true;
      advance();
    }
    if (peek().kind != Tok::integer) {
      fail(peek().offset, fmt::format("expected {}, found {}", what, describe(peek())));
    }
    std::int64_t v = advance().value;
    if (negative) {
      if (v == INT64_MIN) fail(at, "integer overflow");
      v = -v;
    }
    return v;
  }

  void add_value(Parameter& param, ValuesSeen& seen, Value value, std::size_t offset) {
    const std::size_t index = param.values.size();
    std::size_t first = index;
    if (value.is_integer()) {
      first = seen.integers.emplace(value.integer(), index).first->second;
    } else {
      first = seen.identifiers.emplace(value.identifier(), index).first->second;
    }
    if (first != index) {
      fail(offset, fmt::format("value {} appears twice in parameter '{}' (first at {})",
                               value.to_string(), param.name, util_position(seen.offsets[first])));
    }
    if (param.values.size() >= k_max_values) {
      fail(offset, fmt::format("parameter '{}' has more than {} values", param.name, k_max_values));
    }
    param.values.push_back(std::move(value));
    seen.offsets.push_back(offset);
  }

  void value_list_part(Parameter& param, ValuesSeen& seen) {
    const Token& first = peek();
    if (first.kind == Tok::name) {
      advance();
      add_value(param, seen, Value(std::string(first.text)), first.offset);
      return;
    }
    if (first.kind != Tok::integer && first.kind != Tok::minus) {
      fail(first.offset, fmt::format("expected an integer, a range 'a..b' or an identifier in "
                                     "parameter '{}', found {}",
                                     param.name, describe(first)));
    }
    std::size_t at = first.offset;
    std::int64_t low = signed_integer("an integer");
    if (peek().kind != Tok::dotdot) {
      add_value(param, seen, Value(low), at);
      return;
    }
    advance();
    std::int64_t high = signed_integer("the end of the range after '..'");
    enum { by_one, by_step, powers } kind = by_one;
    std::int64_t step = 1;
    if (peek().kind == Tok::name && peek().text == "pow2") {
      advance();
      kind = powers;
    } else if (peek().kind == Tok::name && peek().text == "step") {
      advance();
      std::size_t step_at = peek().offset;
      step = signed_integer("a step size after 'step'");
      if (step <= 0)
        fail(step_at, fmt::format("bad range: the step must be positive, not {}", step));
      kind = by_step;
    } else if (peek().kind == Tok::name) {
      fail(peek().offset, fmt::format("expected 'pow2', 'step N', ',' or ';' after the range, "
                                      "found {}",
                                      describe(peek())));
    }
    if (low > high) {
      fail(at, fmt::format("bad range {}..{}: the start is greater than the end", low, high));
    }
    if (kind == powers) {
      std::size_t before = param.values.size();
      for (std::int64_t v = 1; v > 0 && v <= high; v *= 2) {
        if (v >= low) add_value(param, seen, Value(v), at);
        if (v > INT64_MAX / 2) break;
      }
      if (param.values.size() == before) {
        fail(at, fmt::format("bad range {}..{} pow2: no power of two lies in it", low, high));
      }
      return;
    }
    // high - low fits in 64 unsigned bits whatever the signs.
    std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    std::uint64_t count = span / static_cast<std::uint64_t>(step);
    if (count >= k_max_values) {
      fail(at, fmt::format("range {}..{} has more than {} values; a parameter may have at most {}",
                           low, high, k_max_values, k_max_values));
    }
    for (std::uint64_t i = 0; i <= count; ++i) {
      add_value(param, seen, Value(low + static_cast<std::int64_t>(i) * step), at);
    }
  }

  // Expressions. Each returns the index of its node in the pool.
  std::int32_t add_node(Node node, std::size_t depth) {
    if (depth > k_max_depth) too_deep(node.offset);
    m_spec.nodes.push_back(std::move(node));
    m_depth.push_back(depth);
    return static_cast<std::int32_t>(m_spec.nodes.size() - 1);
  }

  // A level around an existing node: parentheses, unary '+'.
  void deepen(std::int32_t node, std::size_t offset) {
    if (++m_depth[static_cast<std::size_t>(node)] > k_max_depth) too_deep(offset);
  }

  // Parentheses and unary operators recurse: count them on the way in, so that a deep nest
  // fails at its first token past the limit before it can exhaust the stack.
  void enter(std::size_t offset) {
    if (++m_nesting > k_max_depth) too_deep(offset);
  }
  void leave() { --m_nesting; }

  [[noreturn]] static void too_deep(std::size_t offset) {
    fail(offset, fmt::format("the condition is nested deeper than {} levels", k_max_depth),
         "each parenthesis pair, unary and binary operator adds a level; split the condition "
         "into several 'require' items");
  }

  std::int32_t binary(Op op, std::int32_t lhs, std::int32_t rhs, std::size_t offset) {
    Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    n.offset = offset;
    n.begin = m_spec.nodes[lhs].begin;
    n.end = m_spec.nodes[rhs].end;
    return add_node(std::move(n), 1 + std::max(m_depth[static_cast<std::size_t>(lhs)],
                                               m_depth[static_cast<std::size_t>(rhs)]));
  }

  // Binary operators by precedence level, loosest first; every level is left-associative.
  struct BinaryOp {
    int level;
    Tok token;
    Op op;
  };
  static constexpr int k_levels = 6;
  static constexpr int k_and_level = 1;
  static constexpr int k_or_level = 0;
  static constexpr BinaryOp k_binary[] = {
      {0, Tok::or_or, Op::logical_or},  {1, Tok::and_and, Op::logical_and},
      {2, Tok::equal_equal, Op::equal}, {2, Tok::not_equal, Op::not_equal},
      {3, Tok::less, Op::less},         {3, Tok::less_equal, Op::less_equal},
      {3, Tok::greater, Op::greater},   {3, Tok::greater_equal, Op::greater_equal},
      {4, Tok::plus, Op::add},          {4, Tok::minus, Op::subtract},
      {5, Tok::star, Op::multiply},     {5, Tok::slash, Op::divide},
      {5, Tok::percent, Op::modulo},
  };

  std::int32_t expression() { return binary_level(k_or_level); }

  // A require item. Its top-level && joins conditions that become roots of their own (the
  // conjuncts), so that a long conjunction is a list, not a deep tree; followed by ||, the
  // conjunction is that operator's left operand instead.
  void requirement() {
    std::vector<std::int32_t> conditions{binary_level(k_and_level + 1)};
    std::vector<std::size_t> ands;
    while (peek().kind == Tok::and_and) {
      ands.push_back(advance().offset);
      conditions.push_back(binary_level(k_and_level + 1));
    }
    if (peek().kind != Tok::or_or) {
      m_requires.insert(m_requires.end(), conditions.begin(), conditions.end());
      return;
    }
    std::int32_t lhs = conditions.front();
    for (std::size_t i = 0; i < ands.size(); ++i) {
      lhs = binary(Op::logical_and, lhs, conditions[i + 1], ands[i]);
    }
    m_requires.push_back(binary_rest(k_or_level, lhs));
  }

  std::int32_t binary_level(int level) {
    if (level == k_levels) return unary();
    return binary_rest(level, binary_level(level + 1));
  }

  // The operators of `level` after its first operand `lhs`.
  std::int32_t binary_rest(int level, std::int32_t lhs) {
    while (true) {
      auto it = std::find_if(std::begin(k_binary), std::end(k_binary), [&](const BinaryOp& b) {
        return b.level == level && b.token == peek().kind;
      });
      if (it == std::end(k_binary)) return lhs;
      std::size_t at = advance().offset;
      lhs = binary(it->op, lhs, binary_level(level + 1), at);
    }
  }

  std::int32_t unary() {
    const Token& t = peek();
    if (t.kind == Tok::minus || t.kind == Tok::bang || t.kind == Tok::plus) {
      advance();
      enter(t.offset);
      std::int32_t operand = unary();
      leave();
      if (t.kind == Tok::plus) {
        deepen(operand, t.offset);
        return operand;
      }
      Node n;
      n.op = t.kind == Tok::minus ? Op::negate : Op::logical_not;
      n.lhs = operand;
      n.offset = t.offset;
      n.begin = t.offset;
      n.end = m_spec.nodes[operand].end;
      return add_node(std::move(n), 1 + m_depth[static_cast<std::size_t>(operand)]);
    }
    return primary();
  }

  std::int32_t primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::integer: {
        advance();
        Node n;
        n.op = Op::constant;
        n.value = t.value;
        n.offset = n.begin = t.offset;
        n.end = t.offset + t.text.size();
        return add_node(std::move(n), 0);
      }
      case Tok::name: {
        advance();
        Node n;
        n.op = Op::parameter;  // resolved to parameter or fact after parsing
        n.offset = n.begin = t.offset;
        n.end = t.offset + t.text.size();
        std::int32_t index = add_node(std::move(n), 0);
        m_names.push_back(NameUse{index, t.text});
        return index;
      }
      case Tok::lparen: {
        std::size_t open = advance().offset;
        enter(open);
        std::int32_t inner = expression();
        leave();
        if (peek().kind != Tok::rparen) {
          fail(peek().offset, fmt::format("expected ')' to close the '(' at {}, found {}",
                                          util_position(open), describe(peek())));
        }
        std::size_t close = advance().offset;
        deepen(inner, open);
        // Parentheses widen the span, so a conjunct's text keeps them.
        m_spec.nodes[inner].begin = open;
        m_spec.nodes[inner].end = close + 1;
        return inner;
      }
      default:
        fail(t.offset, fmt::format("expected a number, a name or '(' in the condition, found {}",
                                   describe(t)));
    }
  }

  void resolve_names() {
    for (const NameUse& use : m_names) {
      Node& node = m_spec.nodes[use.node];
      auto found = m_parameter_at.find(use.name);
      if (found != m_parameter_at.end()) {
        const std::size_t index = found->second;
        const Parameter& p = m_spec.parameters[index];
        if (!p.is_integer()) {
          auto odd = std::find_if(p.values.begin(), p.values.end(),
                                  [](const Value& v) { return !v.is_integer(); });
          fail(node.offset, fmt::format("parameter '{}' has a non-integer value ({}); constraints "
                                        "use integers only",
                                        p.name, odd->to_string()));
        }
        node.value = static_cast<std::int64_t>(index);
        continue;
      }
      if (is_known_fact(use.name)) {
        node.op = Op::fact;
        node.fact = std::string(use.name);
        continue;
      }
      std::string params;
      for (const Parameter& p : m_spec.parameters) params += (params.empty() ? "" : ", ") + p.name;
      std::string facts;
      for (const FactInfo& f : known_facts())
        facts += (facts.empty() ? "" : ", ") + std::string(f.name);
      fail(node.offset, fmt::format("undefined name '{}' in a constraint", use.name),
           fmt::format("parameters: {}; hardware facts: {}", params.empty() ? "none" : params,
                       facts));
    }
  }

  void collect_parameters(std::int32_t index, std::set<std::size_t>& out) const {
    const Node& n = m_spec.nodes[index];
    if (n.op == Op::parameter) out.insert(static_cast<std::size_t>(n.value));
    if (n.lhs >= 0) collect_parameters(n.lhs, out);
    if (n.rhs >= 0) collect_parameters(n.rhs, out);
  }

  void add_conjuncts(std::int32_t index) {
    const Node& n = m_spec.nodes[index];
    if (n.op == Op::logical_and) {
      add_conjuncts(n.lhs);
      add_conjuncts(n.rhs);
      return;
    }
    std::set<std::size_t> params;
    collect_parameters(index, params);
    m_spec.constraints.push_back(
        Constraint{index, std::vector<std::size_t>(params.begin(), params.end()), n.begin, n.end});
  }

  void split_conjuncts() {
    for (std::int32_t root : m_requires) add_conjuncts(root);
  }

  std::string util_position(std::size_t offset) const {
    auto pos = util::position_of(m_spec.text, offset);
    return fmt::format("{}:{}", pos.line, pos.column);
  }

  SpaceSpec m_spec;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  std::vector<std::int32_t> m_requires;
  std::vector<NameUse> m_names;
  std::vector<std::size_t> m_depth;  // per node: the levels it spans (0 for a literal or name)
  std::size_t m_nesting = 0;         // parentheses and unary operators being parsed
  std::uint64_t m_raw_size = 1;      // of the parameters so far
  std::unordered_map<std::string_view, std::size_t> m_parameter_at;  // name -> index
  bool m_seen_inject = false;
};

}  // namespace

util::Expected<SpaceSpec, SpaceError> parse_space(std::string_view text) {
  try {
    return Parser(text, Lexer(text).tokenize()).parse();
  } catch (ParseFailure& failure) {
    return util::unexpected(std::move(failure.error));
  }
}

}  // namespace kevolve::space
