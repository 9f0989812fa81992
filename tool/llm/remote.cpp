#include "tool/llm/remote.hpp"

#include "tool/llm/redact.hpp"
#include "util/environment.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::llm {

namespace {

std::string key_env_of(const Api& api, const Settings& settings) {
  return settings.key_env.empty() ? std::string(api.key_env) : settings.key_env;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// The key, if set; an error when it must be and is not, when it could break a header, or when
// it would cross the network unencrypted (plain http to another machine).
util::Expected<std::optional<std::string>> read_key(const std::string& variable,
                                                    const BaseUrl& url) {
  const bool local = url.loopback;
  std::optional<std::string> key = util::secret_from_environment(variable);
  if (key && !local && !url.encrypted) {
    return util::unexpected(fmt::format(
        "the key in ${} would cross the network unencrypted: use an https:// URL, or unset the "
        "variable for a server that needs no key",
        variable));
  }
  if (!key && !local)
    return util::unexpected(fmt::format(
        "no key: ${} is not set (KEVOLVE_LLM_KEY_ENV names another variable)", variable));
  if (key && has_control_character(*key))
    return util::unexpected(fmt::format("the key in ${} holds a control character", variable));
  return key;
}

// The server's own words in an error answer: {"error":{"message":...}} (OpenAI, Anthropic,
// vLLM, llama.cpp), {"error":"..."} (Ollama) or {"message":...}; else the start of the body.
std::string server_message(const std::string& body) {
  auto doc = util::parse_json(body, "the answer");
  if (doc && doc->is_object()) {
    auto error = doc->find("error");
    if (error != doc->end() && error->is_object()) {
      if (auto message = string_field(*error, "message")) return excerpt(*message, 500);
    }
    if (error != doc->end() && error->is_string()) return excerpt(error->get<std::string>(), 500);
    if (auto message = string_field(*doc, "message")) return excerpt(*message, 500);
  }
  return excerpt(body);
}

std::string attempts_note(int attempts) {
  return attempts > 1 ? fmt::format(" after {} attempts", attempts) : "";
}

}  // namespace

std::optional<std::string> string_field(const util::Json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::int64_t count_field(const util::Json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  return std::max<std::int64_t>(0, it->get<std::int64_t>());
}

util::Expected<BaseUrl> check_remote(const Api& api, const Settings& settings) {
  const std::string url_text = settings.url.empty() ? std::string(api.url) : settings.url;
  auto url = parse_base_url(url_text);
  if (!url) return util::unexpected(fmt::format("{}: the URL: {}", api.name, url.error()));
  const std::string variable = key_env_of(api, settings);
  if (!util::is_variable_name(variable))
    return util::unexpected(
        fmt::format("{}: the key's variable '{}' is not a variable's name (letters, digits and _)",
                    api.name, variable));
  if (auto key = read_key(variable, *url); !key)
    return util::unexpected(fmt::format("{} at {}: {}", api.name, url->text, key.error()));
  if (!(settings.timeout_s > 0) || settings.retries < 0 || !(settings.backoff_s >= 0) ||
      settings.max_tokens == 0)
    return util::unexpected(fmt::format(
        "{}: expected a timeout over 0, retries and backoff of 0 or more and max_tokens over 0",
        api.name));
  return url;
}

RemoteProvider::RemoteProvider(const Api& api, const Settings& settings, BaseUrl url)
    : m_api(api),
      m_settings(settings),
      m_url(std::move(url)),
      m_endpoint(endpoint_url(m_url, api.path)),
      m_key_env(key_env_of(api, settings)),
      m_model(settings.model.empty() ? std::string(api.model) : settings.model) {}

std::string RemoteProvider::describe() const {
  return fmt::format("{} {} at {}", m_api.name, m_model, m_url.text);
}

util::Expected<Reply> RemoteProvider::complete(const Prompt& prompt) {
  auto key = read_key(m_key_env, m_url);
  if (!key) return util::unexpected(fmt::format("{}: {}", describe(), key.error()));
  const std::vector<std::string> secrets = *key ? std::vector{**key} : std::vector<std::string>{};

  HttpRequest request;
  request.url = m_endpoint;
  request.headers = key_headers(*key);
  // Source text is not always valid UTF-8 (a Latin-1 comment): such bytes are sent as U+FFFD.
  request.body = body(prompt).dump(-1, ' ', false, util::Json::error_handler_t::replace);
  RetryPolicy policy;
  policy.timeout_s = m_settings.timeout_s;
  policy.retries = m_settings.retries;
  policy.backoff_s = m_settings.backoff_s;
  policy.log_name = describe();
  auto response = post(request, policy);
  if (!response)
    return util::unexpected(redact(fmt::format("{}: {}", describe(), response.error()), secrets));
  auto reply = answer(*response, key->has_value());
  if (!reply) return util::unexpected(redact(reply.error(), secrets));
  reply->text = redact(std::move(reply->text), secrets);
  reply->model = redact(reply->model.empty() ? m_model : std::move(reply->model), secrets);
  reply->seconds = response->seconds;
  reply->attempts = response->attempts;
  KEVOLVE_LOG("llm: {}: answered in {:.1f} s, {} attempt(s), {} prompt and {} answer tokens",
              describe(), reply->seconds, reply->attempts, reply->usage.prompt_tokens,
              reply->usage.answer_tokens);
  return reply;
}

util::Expected<Reply> RemoteProvider::answer(const HttpResponse& response, bool sent_key) const {
  if (response.status < 200 || response.status >= 300)
    return util::unexpected(failure(response, sent_key));
  auto document = util::parse_json(response.body, "the answer");
  if (!document)
    return util::unexpected(fmt::format("{}: malformed JSON in the answer ({}); it began: {}",
                                        describe(), document.error(), excerpt(response.body)));
  auto reply = read_reply(*document);
  if (!reply)
    return util::unexpected(fmt::format("{}: {}; the answer began: {}", describe(), reply.error(),
                                        excerpt(response.body)));
  return reply;
}

std::string RemoteProvider::failure(const HttpResponse& response, bool sent_key) const {
  const long status = response.status;
  const std::string message = server_message(response.body);
  std::string what;
  if (status == 401 || status == 403) {
    what = sent_key ? fmt::format("the server refused the key in ${} ({}): {}", m_key_env, status,
                                  message)
                    : fmt::format("the server asks for a key ({}): {}; set ${}", status, message,
                                  m_key_env);
  } else if (status == 429 && response.retry_after_s > k_max_retry_after_s) {
    what = fmt::format(
        "rate limited (HTTP 429): the server asks to wait {:.0f} s, more than "
        "the {:.0f} s kevolve waits: {}",
        response.retry_after_s, k_max_retry_after_s, message);
  } else if (status == 429) {
    what = fmt::format("rate limited (HTTP 429){}: {}", attempts_note(response.attempts), message);
  } else if (status >= 300 && status < 400) {
    what = fmt::format(
        "HTTP {}: a redirect, which kevolve does not follow (give the URL it "
        "points to): {}",
        status, message);
  } else if (status == 404) {
    what =
        fmt::format("HTTP 404 for {} (is the URL the server's base URL?): {}", m_endpoint, message);
  } else {
    what = fmt::format("HTTP {}{}: {}", status, attempts_note(response.attempts), message);
  }
  return fmt::format("{}: {}", describe(), what);
}

}  // namespace kevolve::llm
