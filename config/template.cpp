#include "config/template.h"

namespace cdc::config {
namespace {

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Parses the inside of one "{...}": `column ( '|' filter ( '(' args ')' )? )*`.
class PlaceholderParser {
 public:
  PlaceholderParser(std::string_view text, size_t pos) : s_(text), i_(pos) {}

  // On success `i_` is just past the closing '}'.
  tl::expected<void, TemplateError> Parse(std::string& column, std::vector<Filter>& filters) {
    SkipSpace();
    const size_t col_start = i_;
    if (i_ >= s_.size() || !IsIdentStart(s_[i_])) {
      return Fail(i_ < s_.size() && s_[i_] == '}' ? "empty placeholder '{}' (write '{{' for a "
                                                    "literal brace)"
                                                  : "expected a column name");
    }
    while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
    column = std::string(s_.substr(col_start, i_ - col_start));
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '(') {
      i_ = col_start;
      return Fail("unknown function '" + column +
                  "': a placeholder names a column, filters follow it: {column | filter}");
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size()) return FailAt(open_, "unclosed '{' (write '{{' for a literal brace)");
      if (s_[i_] == '}') {
        ++i_;
        return {};
      }
      if (s_[i_] != '|') return Fail("expected '|' or '}' after the column name");
      ++i_;
      SkipSpace();
      const size_t name_start = i_;
      while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
      const std::string name(s_.substr(name_start, i_ - name_start));
      if (name.empty()) return Fail("expected a filter name after '|'");
      std::vector<FilterArg> args;
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == '(') {
        ++i_;
        if (auto st = ParseArgs(args); !st) return st;
      }
      const std::string spelling = TrimRight(s_.substr(name_start, i_ - name_start));
      auto filter = MakeFilter(name, args, spelling);
      if (!filter) return FailAt(name_start, filter.error());
      filters.push_back(std::move(*filter));
    }
  }

  size_t pos() const { return i_; }
  void set_open(size_t open) { open_ = open; }

 private:
  tl::expected<void, TemplateError> ParseArgs(std::vector<FilterArg>& args) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ')') {
      ++i_;
      return {};
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size()) return FailAt(open_, "unclosed '(' in filter arguments");
      FilterArg arg;
      const char c = s_[i_];
      if (c == '\'' || c == '"') {
        const size_t quote_at = i_;
        arg.quoted = true;
        ++i_;
        while (i_ < s_.size() && s_[i_] != c) {
          if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
          arg.text.push_back(s_[i_++]);
        }
        if (i_ >= s_.size()) return FailAt(quote_at, "unterminated quoted argument");
        ++i_;
      } else {
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ')' && s_[i_] != '}' && !IsSpace(s_[i_])) {
          ++i_;
        }
        arg.text = std::string(s_.substr(start, i_ - start));
        if (arg.text.empty()) return Fail("expected an argument");
      }
      args.push_back(std::move(arg));
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ')') {
        ++i_;
        return {};
      }
      return Fail("expected ',' or ')' in filter arguments");
    }
  }

  static std::string TrimRight(std::string_view s) {
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return std::string(s);
  }
  void SkipSpace() {
    while (i_ < s_.size() && IsSpace(s_[i_])) ++i_;
  }
  tl::unexpected<TemplateError> Fail(std::string message) const { return FailAt(i_, std::move(message)); }
  tl::unexpected<TemplateError> FailAt(size_t at, std::string message) const {
    return tl::unexpected(TemplateError{std::move(message), at});
  }

  std::string_view s_;
  size_t i_;
  size_t open_ = 0;
};

}  // namespace

tl::expected<Template, TemplateError> Template::Compile(std::string_view text, ColumnSlots& slots) {
  Template t;
  t.text_ = std::string(text);
  std::string literal;
  size_t i = 0;
  auto flush = [&] {
    if (!literal.empty()) t.parts_.push_back(Part{std::move(literal), -1, {}, {}});
    literal.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        i += 2;
        continue;
      }
      return tl::unexpected(TemplateError{"unmatched '}' (write '}}' for a literal brace)", i});
    }
    if (c != '{') {
      literal.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      i += 2;
      continue;
    }
    flush();
    PlaceholderParser parser(text, i + 1);
    parser.set_open(i);
    Part part;
    if (auto st = parser.Parse(part.column, part.filters); !st) return tl::unexpected(st.error());
    part.slot = slots.Slot(part.column);
    t.parts_.push_back(std::move(part));
    i = parser.pos();
  }
  flush();
  t.typed_ = t.parts_.size() == 1 && t.parts_[0].slot >= 0;
  t.constant_ = t.parts_.size() <= 1 && !t.typed_;
  if (t.typed_ && t.parts_[0].filters.empty()) t.bare_slot_ = t.parts_[0].slot;
  if (t.constant_) t.constant_value_ = core::Value::String(t.parts_.empty() ? "" : t.parts_[0].literal);
  return t;
}

std::vector<int> Template::Slots() const {
  std::vector<int> out;
  for (const Part& p : parts_) {
    if (p.slot >= 0) out.push_back(p.slot);
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<Filter>>> Template::Placeholders() const {
  std::vector<std::pair<std::string, std::vector<Filter>>> out;
  for (const Part& p : parts_) {
    if (p.slot >= 0) out.emplace_back(p.column, p.filters);
  }
  return out;
}

core::Status Template::RunFilters(const Part& part, const core::Value& in, core::Value& out) const {
  const core::Value* cur = &in;
  core::Value tmp;
  for (const Filter& f : part.filters) {
    if (auto st = ApplyFilter(f, *cur, tmp); !st) {
      core::Error e = st.error();
      e.message = "column '" + part.column + "': " + e.message;
      return core::Fail(std::move(e));
    }
    out = std::move(tmp);
    cur = &out;
  }
  if (cur != &out) out = in;
  return {};
}

core::Result<const core::Value*> Template::EvaluateParts(const RowView& row, core::Value& scratch) const {
  if (typed_) {
    const Part& p = parts_[0];
    const core::Value& v = row.Get(p.slot);
    if (p.filters.empty()) return &v;
    if (auto st = RunFilters(p, v, scratch); !st) return core::Fail(st.error());
    return &scratch;
  }
  if (constant_) return &constant_value_;
  std::string out;
  auto kind = AppendText(row, out, scratch);
  if (!kind) return core::Fail(kind.error());
  scratch = *kind == core::ValueKind::kAbsent ? core::Value::Absent() : core::Value::String(std::move(out));
  return &scratch;
}

core::Result<core::ValueKind> Template::AppendText(const RowView& row, std::string& out,
                                                   core::Value& scratch) const {
  if (bare_slot_ >= 0) {  // "{col}": the most common id template
    const core::Value& v = row.Get(bare_slot_);
    v.AppendText(out);
    return v.kind();
  }
  if (typed_ || constant_) {
    auto v = Evaluate(row, scratch);
    if (!v) return core::Fail(v.error());
    (*v)->AppendText(out);
    return (*v)->kind();
  }
  const size_t start = out.size();
  for (const Part& p : parts_) {
    if (p.slot < 0) {
      out += p.literal;
      continue;
    }
    const core::Value* use = &row.Get(p.slot);
    if (!p.filters.empty()) {
      if (auto st = RunFilters(p, *use, scratch); !st) return core::Fail(st.error());
      use = &scratch;
    }
    if (use->is_absent()) {
      out.resize(start);
      return core::ValueKind::kAbsent;
    }
    use->AppendText(out);  // NULL renders as ""
  }
  return core::ValueKind::kString;
}

}  // namespace cdc::config
