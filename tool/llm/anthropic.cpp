// Anthropic's messages API: POST {url}/v1/messages with x-api-key and anthropic-version; the
// answer is the text blocks of `content`, joined.

#include "tool/llm/remote.hpp"

#include <fmt/format.h>

namespace kevolve::llm {

namespace {

constexpr Api k_anthropic{"anthropic", "https://api.anthropic.com", "messages", "ANTHROPIC_API_KEY",
                          "claude-sonnet-4-5"};

class Anthropic final : public RemoteProvider {
 public:
  Anthropic(const Settings& settings, BaseUrl url) : RemoteProvider(k_anthropic, settings, url) {}

 private:
  std::vector<std::string> key_headers(const std::optional<std::string>& key) const override {
    std::vector<std::string> headers = {"anthropic-version: 2023-06-01"};
    if (key) headers.push_back("x-api-key: " + *key);
    return headers;
  }

  util::Json body(const Prompt& prompt) const override {
    util::Json body = {{"model", model()}, {"max_tokens", settings().max_tokens}};
    if (!prompt.system.empty()) body["system"] = prompt.system;
    body["messages"] = util::Json::array({{{"role", "user"}, {"content", prompt.user}}});
    return body;
  }

  util::Expected<Reply> read_reply(const util::Json& response) const override {
    if (!response.is_object())
      return util::unexpected(std::string("the answer is not a JSON object"));
    auto content = response.find("content");
    if (content == response.end() || !content->is_array())
      return util::unexpected(std::string("no content array in the answer"));
    Reply reply;
    for (const util::Json& block : *content)
      if (string_field(block, "type") == "text")
        reply.text += string_field(block, "text").value_or("");
    if (reply.text.empty()) {
      auto stop = string_field(response, "stop_reason");
      return util::unexpected(fmt::format("no text in the answer's content{}",
                                          stop ? " (stop_reason " + *stop + ")" : ""));
    }
    reply.model = string_field(response, "model").value_or("");
    if (auto usage = response.find("usage"); usage != response.end()) {
      // Prompt caching splits the prompt's tokens in three.
      reply.usage.prompt_tokens = count_field(*usage, "input_tokens") +
                                  count_field(*usage, "cache_creation_input_tokens") +
                                  count_field(*usage, "cache_read_input_tokens");
      reply.usage.answer_tokens = count_field(*usage, "output_tokens");
    }
    return reply;
  }
};

}  // namespace

util::Expected<std::unique_ptr<Provider>> make_anthropic(const Settings& settings) {
  auto url = check_remote(k_anthropic, settings);
  if (!url) return util::unexpected(url.error());
  return std::unique_ptr<Provider>(std::make_unique<Anthropic>(settings, std::move(*url)));
}

}  // namespace kevolve::llm
