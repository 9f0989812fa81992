#include "tool/retrieval/passage.hpp"

// How a file becomes passages: its bytes are cleaned first (CRLF to LF; invalid UTF-8 and
// control characters but tab and newline become U+FFFD, so that what reaches a prompt or a JSON
// request is always valid text), then an optional front matter between `---` lines gives the
// title and the tag lists, then the body is one passage (playbook, skills) or one per `## `
// section (docs; headings inside ``` or ~~~ fences do not count). Every step is linear in the
// file's size, and each cap ends in a problem line rather than an error.

#include "knowledge/playbook.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace kevolve::retrieval {
namespace {

constexpr std::string_view k_replacement = "\xef\xbf\xbd";  // U+FFFD

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF); 0 where there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // the second byte's range
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > s.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  return length;
}

// Where clean() repaired something: the first line of each kind (0: nowhere).
struct Repairs {
  int bad_utf8 = 0;
  int bad_control = 0;
};

std::string clean(std::string_view text, Repairs& repairs) {
  std::string out;
  out.reserve(text.size());
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') ++line;
    auto byte = static_cast<unsigned char>(c);
    std::size_t length = utf8_length(text, i);
    bool control = (byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f;
    if (control || length == 0) {
      int& first = control ? repairs.bad_control : repairs.bad_utf8;
      if (!first) first = line;
      out += k_replacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

// clean(), with a problem for the first line of each kind of repair.
std::string clean(std::string_view text, const std::string& label,
                  std::vector<std::string>& problems) {
  Repairs repairs;
  std::string out = clean(text, repairs);
  if (repairs.bad_utf8)
    problems.push_back(
        fmt::format("{}:{}: invalid UTF-8, replaced by U+FFFD", label, repairs.bad_utf8));
  if (repairs.bad_control)
    problems.push_back(
        fmt::format("{}:{}: control characters, replaced by U+FFFD", label, repairs.bad_control));
  return out;
}

struct Line {
  std::string_view text;
  int number;  // 1-based
};

std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> lines;
  int number = 1;
  for (std::string_view rest = text;;) {
    std::size_t end = rest.find('\n');
    lines.push_back({rest.substr(0, end), number++});
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  if (!text.empty() && text.back() == '\n') lines.pop_back();  // no line after the last '\n'
  return lines;
}

bool is_rule(std::string_view line) { return util::trim(line) == "---"; }

struct FrontMatter {
  std::string title;
  std::vector<std::string> backends, bounds, archs, tags;
  std::size_t body_line = 0;  // index of the body's first line
};

const std::vector<std::string_view> k_backends = {"cpu", "cuda", "hip"};
const std::vector<std::string_view> k_bounds = {"memory", "compute", "latency"};

// "a, B , [c]" -> {"a", "b", "c"}: lower-cased, trimmed, quotes and brackets dropped.
std::vector<std::string> parse_list(std::string_view value, const std::string& where,
                                    std::vector<std::string>& problems) {
  value = util::trim(value);
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']')
    value = value.substr(1, value.size() - 2);
  std::vector<std::string> out;
  for (std::string_view item : util::split(value, ',')) {
    item = util::trim(item);
    if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') &&
        item.back() == item.front())
      item = util::trim(item.substr(1, item.size() - 2));
    if (item.empty()) continue;
    if (out.size() == k_max_list_values) {
      problems.push_back(
          fmt::format("{}: more than {} values; the rest skipped", where, k_max_list_values));
      break;
    }
    std::string v = util::lower(cut_utf8(item, k_max_title_bytes));
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
  }
  return out;
}

void check_values(const std::vector<std::string>& values,
                  const std::vector<std::string_view>& known, std::string_view key,
                  const std::string& where, std::vector<std::string>& problems) {
  for (const std::string& v : values)
    if (std::find(known.begin(), known.end(), v) == known.end())
      problems.push_back(
          fmt::format("{}: unknown {} `{}` (expected {}); the passage matches "
                      "no query with a {}",
                      where, key, v, fmt::join(known, ", "), key));
}

// The front matter at the top of `lines`, if any; nothing when it never closes (the file is
// skipped: its tags cannot be trusted).
std::optional<FrontMatter> parse_front_matter(const std::vector<Line>& lines,
                                              const std::string& label,
                                              std::vector<std::string>& problems) {
  FrontMatter front;
  if (lines.empty() || !is_rule(lines[0].text)) return front;
  std::size_t end = 1;
  while (end < lines.size() && end <= k_max_front_matter_lines && !is_rule(lines[end].text)) ++end;
  if (end >= lines.size() || !is_rule(lines[end].text)) {
    problems.push_back(fmt::format(
        "{}:1: the front matter opened here is not closed by a `---` line within {} lines; "
        "file skipped",
        label, k_max_front_matter_lines));
    return std::nullopt;
  }
  for (std::size_t i = 1; i < end; ++i) {
    std::string_view text = util::trim(lines[i].text);
    std::string where = fmt::format("{}:{}", label, lines[i].number);
    if (text.empty() || text.front() == '#') continue;  // YAML's blank lines and comments
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
      problems.push_back(fmt::format("{}: expected `key: value` in the front matter", where));
      continue;
    }
    std::string key = util::lower(util::trim(text.substr(0, colon)));
    std::string_view value = util::trim(text.substr(colon + 1));
    if (key == "title") {
      front.title = std::string(cut_utf8(value, k_max_title_bytes));
    } else if (key == "backend" || key == "backends") {
      front.backends = parse_list(value, where, problems);
      check_values(front.backends, k_backends, "backend", where, problems);
    } else if (key == "bound" || key == "bounds") {
      front.bounds = parse_list(value, where, problems);
      check_values(front.bounds, k_bounds, "bound", where, problems);
    } else if (key == "arch" || key == "archs") {
      front.archs = parse_list(value, where, problems);
    } else if (key == "tags") {
      front.tags = parse_list(value, where, problems);
    }  // other keys are ignored, as in every kevolve format: a later version may add some
  }
  front.body_line = end + 1;
  return front;
}

std::optional<std::string_view> heading(std::string_view line, std::string_view marker) {
  if (line.substr(0, marker.size()) != marker) return std::nullopt;
  std::string_view title = util::trim(line.substr(marker.size()));
  while (!title.empty() && title.back() == '#') title.remove_suffix(1);  // "## A ##"
  return util::trim(title);
}

bool is_fence(std::string_view line) {
  std::string_view t = util::trim(line);
  return t.substr(0, 3) == "```" || t.substr(0, 3) == "~~~";
}

// A run of body lines that becomes one passage.
struct Section {
  std::string title;
  std::size_t first = 0, end = 0;  // line indices, [first, end)
  int number = 0;                  // the id's `#n` (docs): 0 for the text before any heading
  int line = 1;                    // where it starts in the file, for problems
};

std::vector<Section> sections_of(const std::vector<Line>& lines, std::size_t body, bool split,
                                 const std::string& file_title) {
  std::vector<Section> out{{file_title, body, lines.size(), 0, 1}};
  if (!split) return out;
  bool fenced = false;
  for (std::size_t i = body; i < lines.size(); ++i) {
    if (is_fence(lines[i].text)) fenced = !fenced;
    if (fenced) continue;
    if (auto title = heading(lines[i].text, "## ")) {
      out.back().end = i;
      out.push_back({std::string(cut_utf8(*title, k_max_title_bytes)), i + 1, lines.size(),
                     static_cast<int>(out.size()), lines[i].number});
    }
  }
  return out;
}

// The lines [first, end) without blank lines at either end, at most the cap (a problem beyond).
std::string passage_text(const std::vector<Line>& lines, std::size_t first, std::size_t end,
                         const std::string& label, std::vector<std::string>& problems) {
  while (first < end && util::trim(lines[first].text).empty()) ++first;
  while (end > first && util::trim(lines[end - 1].text).empty()) --end;
  if (first == end) return {};
  const char* begin = lines[first].text.data();
  std::string_view text(begin, static_cast<std::size_t>(lines[end - 1].text.data() +
                                                        lines[end - 1].text.size() - begin));
  if (text.size() <= k_max_passage_bytes) return std::string(text);
  problems.push_back(fmt::format("{}:{}: a passage longer than {}; cut there (the rest skipped)",
                                 label, lines[first].number,
                                 util::describe_size(k_max_passage_bytes)));
  std::string_view cut = cut_utf8(text, k_max_passage_bytes);
  std::size_t last_line = cut.rfind('\n');
  if (last_line != std::string_view::npos && last_line > 0) cut = cut.substr(0, last_line);
  return std::string(cut);
}

// The body's `# ` heading when it opens the body; else nothing.
std::string first_heading(const std::vector<Line>& lines, std::size_t body) {
  for (std::size_t i = body; i < lines.size(); ++i) {
    if (util::trim(lines[i].text).empty()) continue;
    if (auto title = heading(lines[i].text, "# "))
      return std::string(cut_utf8(*title, k_max_title_bytes));
    break;
  }
  return {};
}

// Names of untrusted files reach ids, prompts and trial logs: plain ones only.
bool is_plain_name(std::string_view name) {
  return !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '+';
  });
}

// A problem about a folder's entry, on one line of valid text whatever a link's target holds.
void note(Corpus& corpus, std::string_view problem) {
  std::string line = clean_text(problem);
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  corpus.problems.push_back(std::move(line));
}

// The project's folder `name` (docs, skills) of `root`.
void load_folder(Corpus& corpus, const util::ConfinedDir& root, std::string_view name) {
  auto dir = root.find(std::string(name));
  if (!dir) {
    note(corpus, fmt::format("{}; skipped", dir.error()));
    return;
  }
  if (!*dir) return;
  auto entries = (*dir)->list();
  if (!entries) {
    note(corpus, fmt::format("{}; skipped", entries.error()));
    return;
  }
  std::size_t files = 0, bytes = 0;
  for (const util::DirEntry& entry : *entries) {
    std::string_view file = entry.name;
    if (file.size() < 3 || file.substr(file.size() - 3) != ".md") continue;  // not a passage
    std::string label = ((*dir)->path() / entry.name).string();
    if (!is_plain_name(file)) {
      if (file.front() != '.')  // hidden files and our own temporaries are not passages
        note(corpus,
             fmt::format("{}/{}: a name of other characters than letters, digits, '.', '_', "
                         "'-' and '+'; skipped",
                         (*dir)->path().string(), util::slug(file)));
      continue;
    }
    if (entry.kind == util::EntryKind::symlink) {
      note(corpus, fmt::format("{}; skipped", (*dir)->link_error(file)));
      continue;
    }
    if (entry.kind != util::EntryKind::regular) {
      note(corpus, fmt::format("{}: not a regular file; skipped", label));
      continue;
    }
    if (++files > k_max_files) {
      note(corpus, fmt::format("{}: more than {} files; {} and the files after it "
                               "(by name) skipped",
                               (*dir)->path().string(), k_max_files, file));
      return;
    }
    auto text = (*dir)->read(entry.name, k_max_file_bytes);
    if (!text || !*text) {
      note(corpus, fmt::format("{}; skipped", text ? label + ": vanished" : text.error()));
      continue;
    }
    bytes += (*text)->size();
    if (bytes > k_max_folder_bytes) {
      note(corpus,
           fmt::format("{}: the folder's files hold more than {} together; "
                       "{} and the files after it (by name) skipped",
                       (*dir)->path().string(), util::describe_size(k_max_folder_bytes), file));
      return;
    }
    add_passages(corpus, name, file.substr(0, file.size() - 3), **text, label);
  }
}

}  // namespace

std::string clean_text(std::string_view bytes) {
  Repairs ignored;
  return clean(bytes, ignored);
}

std::string_view cut_utf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return text.substr(0, end);
}

void add_passages(Corpus& corpus, std::string_view source, std::string_view stem,
                  std::string_view bytes, const std::string& label) {
  std::string text = clean(bytes, label, corpus.problems);
  std::vector<Line> lines = lines_of(text);
  auto front = parse_front_matter(lines, label, corpus.problems);
  if (!front) return;
  std::string file_title = front->title;
  if (file_title.empty()) file_title = first_heading(lines, front->body_line);
  if (file_title.empty()) file_title = std::string(stem);
  bool docs = source == "docs";
  std::vector<Section> sections = sections_of(lines, front->body_line, docs, file_title);
  std::size_t kept = 0;
  for (const Section& section : sections) {
    std::string body = passage_text(lines, section.first, section.end, label, corpus.problems);
    if (body.empty()) continue;  // a heading without text, or nothing before the first one
    if (kept++ == k_max_passages_per_file) {
      corpus.problems.push_back(fmt::format("{}:{}: more than {} passages; the rest skipped", label,
                                            section.line, k_max_passages_per_file));
      break;
    }
    Passage p;
    p.id = docs ? fmt::format("docs/{}.md#{}", stem, section.number)
                : fmt::format("{}/{}", source, stem);
    p.source = std::string(source);
    p.title = section.title;
    p.text = std::move(body);
    p.backends = front->backends;
    p.bounds = front->bounds;
    p.archs = front->archs;
    p.tags = front->tags;
    corpus.passages.push_back(std::move(p));
  }
}

Corpus load_corpus(const std::filesystem::path& kevolve_dir) {
  Corpus corpus;
  for (const knowledge::PlaybookFile& file : knowledge::playbook())
    add_passages(corpus, "playbook", file.name, file.text,
                 fmt::format("knowledge/playbook/{}.md", file.name));
  std::error_code error;
  if (!std::filesystem::is_directory(kevolve_dir, error)) return corpus;  // no knowledge yet
  auto root = util::ConfinedDir::open(kevolve_dir);
  if (!root) {
    corpus.problems.push_back(fmt::format("{}; docs and skills skipped", root.error()));
    return corpus;
  }
  load_folder(corpus, *root, "docs");
  load_folder(corpus, *root, "skills");
  return corpus;
}

}  // namespace kevolve::retrieval
