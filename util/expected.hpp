#pragma once

// A value or an error: what low-level code returns instead of throwing (ccache's tier one).
// The error type defaults to a message; callers that need more carry their own struct.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace kevolve::util {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return {std::forward<E>(error)};
}

template <typename T, typename E = std::string>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  template <typename G>
  Expected(Unexpected<G> error) : m_state(std::in_place_index<1>, std::move(error.error)) {}

  bool has_value() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return assert(has_value()), std::get<0>(m_state); }
  const T& value() const& { return assert(has_value()), std::get<0>(m_state); }
  T&& value() && { return assert(has_value()), std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { return assert(!has_value()), std::get<1>(m_state); }
  E&& error() && { return assert(!has_value()), std::get<1>(std::move(m_state)); }

  template <typename U>
  T value_or(U&& fallback) && {
    return has_value() ? std::get<0>(std::move(m_state)) : T(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> m_state;
};

template <typename E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  template <typename G>
  Expected(Unexpected<G> error) : m_error(std::move(error.error)), m_failed(true) {}

  bool has_value() const noexcept { return !m_failed; }
  explicit operator bool() const noexcept { return has_value(); }
  const E& error() const& { return assert(m_failed), m_error; }

 private:
  E m_error{};
  bool m_failed = false;
};

}  // namespace kevolve::util
