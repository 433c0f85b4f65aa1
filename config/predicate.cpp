#include "config/predicate.h"

#include <cstdlib>

namespace cdc::config {

namespace {

using core::Value;
using core::ValueKind;

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

enum class Tok { kEnd, kIdent, kString, kNumber, kOp, kLParen, kRParen };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  size_t offset = 0;
};

bool NumberOf(const Value& v, long double& out) {
  switch (v.kind()) {
    case ValueKind::kInt:
      out = static_cast<long double>(v.as_int());
      return true;
    case ValueKind::kDouble:
      out = v.as_double();
      return true;
    case ValueKind::kBool:
      out = v.as_bool() ? 1 : 0;
      return true;
    case ValueKind::kDecimal:
    case ValueKind::kString: {
      if (v.text().empty()) return false;
      char* end = nullptr;
      out = std::strtold(v.text().c_str(), &end);
      return end == v.text().c_str() + v.text().size();
    }
    default:
      return false;
  }
}

template <class T>
bool Ordered(Predicate::CmpOp op, const T& a, const T& b) {
  switch (op) {
    case Predicate::CmpOp::kEq:
      return a == b;
    case Predicate::CmpOp::kNe:
      return !(a == b);
    case Predicate::CmpOp::kLt:
      return a < b;
    case Predicate::CmpOp::kLe:
      return a <= b;
    case Predicate::CmpOp::kGt:
      return a > b;
    case Predicate::CmpOp::kGe:
      return a >= b;
  }
  return false;
}

bool Compare(const Predicate::Node& n, const Value& v) {
  using CmpOp = Predicate::CmpOp;
  if (v.is_absent()) return false;  // not delivered: no comparison holds
  if (n.lit == Predicate::LitKind::kNull) {
    if (n.op == CmpOp::kEq) return v.is_null();
    if (n.op == CmpOp::kNe) return !v.is_null();
    return false;
  }
  if (v.is_null()) return n.op == CmpOp::kNe;
  switch (n.lit) {
    case Predicate::LitKind::kBool: {
      bool b = false;
      if (v.kind() == ValueKind::kBool) {
        b = v.as_bool();
      } else if (v.kind() == ValueKind::kInt) {
        b = v.as_int() != 0;
      } else {
        const std::string t = v.ToText();
        if (t == "true" || t == "t" || t == "1")
          b = true;
        else if (t == "false" || t == "f" || t == "0")
          b = false;
        else
          return n.op == CmpOp::kNe;
      }
      return Ordered(n.op, static_cast<int>(b), static_cast<int>(n.boolean));
    }
    case Predicate::LitKind::kNumber: {
      long double x = 0;
      if (!NumberOf(v, x)) return n.op == CmpOp::kNe;
      return Ordered(n.op, x, n.number);
    }
    case Predicate::LitKind::kString: {
      if (v.kind() == ValueKind::kBytes) return n.op == CmpOp::kNe;
      // Textual kinds compare their canonical text without a copy.
      if (v.kind() == ValueKind::kString || v.kind() == ValueKind::kDate ||
          v.kind() == ValueKind::kTimestamp || v.kind() == ValueKind::kTimestampTz ||
          v.kind() == ValueKind::kTime || v.kind() == ValueKind::kDecimal || v.kind() == ValueKind::kJson) {
        return Ordered(n.op, std::string_view(v.text()), std::string_view(n.text));
      }
      return Ordered(n.op, v.ToText(), n.text);
    }
    case Predicate::LitKind::kNull:
      break;
  }
  return false;
}

}  // namespace

class PredicateParser {
 public:
  PredicateParser(std::string_view text, ColumnSlots& slots, Predicate& p) : s_(text), slots_(slots), p_(p) {}

  tl::expected<void, TemplateError> Parse() {
    if (auto st = Next(); !st) return st;
    if (tok_.kind == Tok::kEnd) return Fail(0, "empty condition");
    auto root = Or();
    if (!root) return tl::unexpected(root.error());
    if (tok_.kind != Tok::kEnd) return Fail(tok_.offset, "unexpected '" + tok_.text + "'");
    p_.root_ = *root;
    return {};
  }

 private:
  using R = tl::expected<int, TemplateError>;
  using Node = Predicate::Node;

  R Or() {
    R left = And();
    if (!left) return left;
    while (IsWord("or")) {
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      R right = And();
      if (!right) return right;
      left = Add({Predicate::NodeKind::kOr, *left, *right});
    }
    return left;
  }

  R And() {
    R left = Unary();
    if (!left) return left;
    while (IsWord("and")) {
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      R right = Unary();
      if (!right) return right;
      left = Add({Predicate::NodeKind::kAnd, *left, *right});
    }
    return left;
  }

  R Unary() {
    if (IsWord("not")) {
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      R inner = Unary();
      if (!inner) return inner;
      return Add({Predicate::NodeKind::kNot, *inner});
    }
    if (tok_.kind == Tok::kLParen) {
      const size_t open = tok_.offset;
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      R inner = Or();
      if (!inner) return inner;
      if (tok_.kind != Tok::kRParen) return Fail(open, "unbalanced '(': missing ')'");
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      return inner;
    }
    if (tok_.kind != Tok::kIdent) {
      return Fail(tok_.offset, tok_.kind == Tok::kEnd ? "condition ends too early"
                                                      : "expected a column name, got '" + tok_.text + "'");
    }
    const Token name = tok_;
    if (auto st = Next(); !st) return tl::unexpected(st.error());
    if (tok_.kind == Tok::kLParen) {
      if (name.text != "changed") {
        return Fail(name.offset, "unknown function '" + name.text + "' (known: changed)");
      }
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      if (tok_.kind != Tok::kIdent) return Fail(tok_.offset, "changed() takes a column name");
      Node n{Predicate::NodeKind::kChanged};
      n.slot = slots_.Slot(tok_.text);
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      if (tok_.kind != Tok::kRParen) return Fail(tok_.offset, "expected ')' after changed(column");
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      return Add(std::move(n));
    }
    if (IsWord("is")) {
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      Node n{Predicate::NodeKind::kIsNull};
      if (IsWord("not")) {
        n.kind = Predicate::NodeKind::kIsNotNull;
        if (auto st = Next(); !st) return tl::unexpected(st.error());
      }
      if (!IsWord("null")) return Fail(tok_.offset, "expected 'null' after 'is'");
      if (auto st = Next(); !st) return tl::unexpected(st.error());
      n.slot = slots_.Slot(name.text);
      return Add(std::move(n));
    }
    if (tok_.kind != Tok::kOp) {
      return Fail(tok_.offset,
                  "expected a comparison (==, !=, <, <=, >, >=) or 'is null' after '" + name.text + "'");
    }
    Node n{Predicate::NodeKind::kCompare};
    n.slot = slots_.Slot(name.text);
    static const std::pair<const char*, Predicate::CmpOp> kOps[] = {
        {"==", Predicate::CmpOp::kEq}, {"!=", Predicate::CmpOp::kNe}, {"<", Predicate::CmpOp::kLt},
        {"<=", Predicate::CmpOp::kLe}, {">", Predicate::CmpOp::kGt},  {">=", Predicate::CmpOp::kGe}};
    for (const auto& [text, op] : kOps) {
      if (tok_.text == text) n.op = op;
    }
    if (auto st = Next(); !st) return tl::unexpected(st.error());
    if (tok_.kind == Tok::kString) {
      n.lit = Predicate::LitKind::kString;
      n.text = tok_.text;
    } else if (tok_.kind == Tok::kNumber) {
      n.lit = Predicate::LitKind::kNumber;
      n.text = tok_.text;
      n.number = std::strtold(tok_.text.c_str(), nullptr);
    } else if (IsWord("true") || IsWord("false")) {
      n.lit = Predicate::LitKind::kBool;
      n.boolean = tok_.text == "true";
    } else if (IsWord("null")) {
      n.lit = Predicate::LitKind::kNull;
    } else {
      return Fail(tok_.offset, "expected a literal ('text', number, true, false, null)");
    }
    if (auto st = Next(); !st) return tl::unexpected(st.error());
    return Add(std::move(n));
  }

  bool IsWord(const char* word) const { return tok_.kind == Tok::kIdent && tok_.text == word; }

  int Add(Node n) {
    p_.nodes_.push_back(std::move(n));
    return static_cast<int>(p_.nodes_.size() - 1);
  }

  static tl::unexpected<TemplateError> Fail(size_t at, std::string message) {
    return tl::unexpected(TemplateError{std::move(message), at});
  }

  tl::expected<void, TemplateError> Next() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
    tok_ = Token{Tok::kEnd, {}, i_};
    if (i_ >= s_.size()) return {};
    const char c = s_[i_];
    if (IsIdentStart(c)) {
      const size_t start = i_;
      while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
      tok_ = {Tok::kIdent, std::string(s_.substr(start, i_ - start)), start};
      return {};
    }
    if (IsDigit(c) || (c == '-' && i_ + 1 < s_.size() && IsDigit(s_[i_ + 1]))) {
      const size_t start = i_++;
      while (i_ < s_.size() && (IsDigit(s_[i_]) || s_[i_] == '.')) ++i_;
      tok_ = {Tok::kNumber, std::string(s_.substr(start, i_ - start)), start};
      return {};
    }
    if (c == '\'' || c == '"') {
      const size_t start = i_++;
      std::string text;
      while (i_ < s_.size() && s_[i_] != c) {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        text.push_back(s_[i_++]);
      }
      if (i_ >= s_.size()) return Fail(start, "unterminated quoted text");
      ++i_;
      tok_ = {Tok::kString, std::move(text), start};
      return {};
    }
    if (c == '(' || c == ')') {
      tok_ = {c == '(' ? Tok::kLParen : Tok::kRParen, std::string(1, c), i_++};
      return {};
    }
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      const std::string_view o(op);
      if (s_.substr(i_, o.size()) == o) {
        tok_ = {Tok::kOp, std::string(o), i_};
        i_ += o.size();
        return {};
      }
    }
    if (c == '=') return Fail(i_, "use '==' to compare");
    return Fail(i_, std::string("unexpected character '") + c + "'");
  }

  std::string_view s_;
  size_t i_ = 0;
  Token tok_;
  ColumnSlots& slots_;
  Predicate& p_;
};

tl::expected<Predicate, TemplateError> Predicate::Compile(std::string_view text, ColumnSlots& slots) {
  Predicate p;
  PredicateParser parser(text, slots, p);
  if (auto st = parser.Parse(); !st) return tl::unexpected(st.error());
  return p;
}

bool Predicate::Evaluate(core::Op op, const RowView& row, const RowView& old_row) const {
  return Eval(root_, op, row, old_row);
}

bool Predicate::Eval(int i, core::Op op, const RowView& row, const RowView& old_row) const {
  const Node& n = nodes_[static_cast<size_t>(i)];
  switch (n.kind) {
    case NodeKind::kAnd:
      return Eval(n.left, op, row, old_row) && Eval(n.right, op, row, old_row);
    case NodeKind::kOr:
      return Eval(n.left, op, row, old_row) || Eval(n.right, op, row, old_row);
    case NodeKind::kNot:
      return !Eval(n.left, op, row, old_row);
    case NodeKind::kCompare:
      return Compare(n, row.Get(n.slot));
    case NodeKind::kIsNull:
      return row.Get(n.slot).is_null();
    // An absent value was not delivered; Postgres only leaves out unchanged
    // TOASTed values, which are never NULL.
    case NodeKind::kIsNotNull:
      return !row.Get(n.slot).is_null();
    case NodeKind::kChanged: {
      if (op != core::Op::kUpdate) return true;  // inserts, snapshot reads, deletes
      const Value& now = row.Get(n.slot);
      if (now.is_absent()) return false;  // unchanged TOAST: not delivered because unchanged
      const Value& before = old_row.Get(n.slot);
      if (before.is_absent()) return true;  // old value unknown: assume it changed
      return !(now == before);
    }
  }
  return false;
}

std::vector<int> Predicate::Slots() const {
  std::vector<int> out;
  for (const Node& n : nodes_) {
    if (n.slot >= 0) out.push_back(n.slot);
  }
  return out;
}

std::vector<int> Predicate::ChangedSlots() const {
  std::vector<int> out;
  for (const Node& n : nodes_) {
    if (n.kind == NodeKind::kChanged) out.push_back(n.slot);
  }
  return out;
}

}  // namespace cdc::config
