#pragma once

// The LLM providers (docs/llm.md): an OpenAI-compatible chat-completions endpoint, Anthropic's
// messages endpoint, and `command`, a program that reads the prompt on stdin and writes the
// answer on stdout. One call asks for one answer; the provider retries what the server asks it
// to retry (429 and 5xx, with backoff and Retry-After) within its time limit.
//
// Trust: the settings come from the command line, the environment or the CMake function, never
// from the knowledge directory. The key is read from the environment variable the settings name
// at the moment of the call; it never appears in a message, a log, a file or a process argument.

#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kevolve::llm {

struct Settings {
  std::string provider;     // "openai", "anthropic", "command"; empty: no LLM
  std::string model;        // empty: the provider's default (docs/llm.md)
  std::string url;          // base URL, e.g. "http://127.0.0.1:8080"; empty: the provider's
  std::string command;      // for "command": run with /bin/sh -c
  std::string key_env;      // the variable that holds the key; empty: the provider's default
  std::uint64_t calls = 3;  // variants asked for per unit
  double timeout_s = 300;   // one attempt; a call gives up after its retries
  int retries = 4;          // after 429, 5xx, a timeout or a dropped connection
  double backoff_s = 1;     // the first wait; doubles per retry unless Retry-After says more
  std::uint64_t max_tokens = 8192;  // the answer's limit, as the API takes it
};

struct Usage {
  std::int64_t prompt_tokens = 0;  // as the provider reports them; 0 when it does not
  std::int64_t answer_tokens = 0;
};

struct Reply {
  std::string text;   // the answer
  std::string model;  // as the provider reports it, else the model asked for
  Usage usage;
  double seconds = 0;  // the whole call, retries and waits included
  int attempts = 1;
  bool cached = false;  // kept from an earlier call (tool/llm/cache.hpp): nothing was sent
};

struct Prompt {
  std::string system;  // the instructions
  std::string user;    // the kernel and its context
};

class Provider {
 public:
  virtual ~Provider() = default;
  // One answer. Errors say what failed (the HTTP status and the server's message, a 401 naming
  // the key's variable, the command's exit status and stderr tail), never the key.
  virtual util::Expected<Reply> complete(const Prompt& prompt) = 0;
  // "openai gpt-4o-mini at https://api.openai.com": for logs and the trial log; no key.
  virtual std::string describe() const = 0;
  virtual std::string_view name() const = 0;  // "openai", "anthropic", "command"
  virtual std::string model() const = 0;
  // What else decides its answers beyond the model, for the answer cache's key: the program a
  // `command` provider runs (another agent answers otherwise); empty for the remote providers.
  virtual std::string answerer() const { return ""; }
};

// Checks the settings (a known provider, a command for `command`, a URL of http or https, the
// key's variable set for remote providers) and makes the provider. Nothing is sent.
util::Expected<std::unique_ptr<Provider>> make_provider(const Settings& settings);

}  // namespace kevolve::llm
