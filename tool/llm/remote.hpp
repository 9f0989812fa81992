#pragma once

// What the two HTTP providers share: the settings' checks, the key read at each call, the retry
// policy, and the reading of an error answer. Each API says only its endpoint, its headers, its
// request body and where its answer lies in the response.

#include "tool/llm/http.hpp"
#include "tool/llm/provider.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::llm {

// An API's defaults, as docs/llm.md, "Providers" lists them.
struct Api {
  std::string_view name;  // "openai"
  std::string_view url;   // "https://api.openai.com"
  std::string_view path;  // below /v1: "chat/completions"
  std::string_view key_env;
  std::string_view model;
};

class RemoteProvider : public Provider {
 public:
  util::Expected<Reply> complete(const Prompt& prompt) final;
  std::string describe() const final;
  std::string_view name() const final { return m_api.name; }
  std::string model() const final { return m_model; }

 protected:
  // `settings` checked by check_remote.
  RemoteProvider(const Api& api, const Settings& settings, BaseUrl url);

  // The headers that carry the key (none when there is no key: a local server).
  virtual std::vector<std::string> key_headers(const std::optional<std::string>& key) const = 0;
  virtual util::Json body(const Prompt& prompt) const = 0;
  // The answer in a successful response; errors say what was missing.
  virtual util::Expected<Reply> read_reply(const util::Json& response) const = 0;

  const Settings& settings() const { return m_settings; }

 private:
  util::Expected<Reply> answer(const HttpResponse& response, bool sent_key) const;
  std::string failure(const HttpResponse& response, bool sent_key) const;

  Api m_api;
  Settings m_settings;
  BaseUrl m_url;
  std::string m_endpoint;
  std::string m_key_env;
  std::string m_model;
};

// The URL and the key's variable of `settings` for `api`, checked as make_provider promises:
// the URL http or https, the variable's name valid, the key set unless the server is local.
util::Expected<BaseUrl> check_remote(const Api& api, const Settings& settings);

// The text of a JSON string field, or nothing when absent or not a string.
std::optional<std::string> string_field(const util::Json& object, std::string_view key);
// A whole-number field, or 0.
std::int64_t count_field(const util::Json& object, std::string_view key);

}  // namespace kevolve::llm
