"""A small subset of Go templates, enough to render deploy/helm/instasent-cdc
without the helm binary (Debian 12 does not package it): text, `{{- -}}`
trimming, comments, `if`/`else`/`end`, `define`/`include`, pipelines and
parentheses, fields of `.Values`/`.Release`/`.Chart`, and the functions the
chart uses (printf trunc trimSuffix quote indent nindent toYaml default not
sha256sum b64enc). A `.Values` path that does not exist is an error, so every
value a template references must be in values.yaml. Not a general engine."""

import base64
import hashlib
import re

import yaml

ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
TOKEN = re.compile(r'\s*(?:(\()|(\))|(\|)|"((?:[^"\\]|\\.)*)"|(-?\d+)|(\.[A-Za-z0-9_.]*)|([A-Za-z_][A-Za-z0-9_]*))')


class TemplateError(Exception):
    pass


def _tokens(expr):
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise TemplateError(f"cannot parse {expr[pos:]!r}")
        pos = m.end()
        lp, rp, bar, string, number, field, ident = m.groups()
        if lp: out.append(("(", None))
        elif rp: out.append((")", None))
        elif bar: out.append(("|", None))
        elif string is not None: out.append(("str", bytes(string, "utf-8").decode("unicode_escape")))
        elif number is not None: out.append(("num", int(number)))
        elif field is not None: out.append(("field", field))
        else: out.append(("ident", ident))
    return out


def _parse(text):
    """Text and actions → a tree: ("text", s) | ("expr", e) | ("if", e, then, else) | ("define", name, body)."""
    pieces, pos = [], 0
    for m in ACTION.finditer(text):
        pieces.append(("text", text[pos:m.start()]))
        pieces.append(("action", m.group(2).strip(), bool(m.group(1)), bool(m.group(3))))
        pos = m.end()
    pieces.append(("text", text[pos:]))
    # Trim markers eat the whitespace of the neighbouring text.
    for i, p in enumerate(pieces):
        if p[0] == "action":
            if p[2] and i > 0:
                pieces[i - 1] = ("text", pieces[i - 1][1].rstrip())
            if p[3] and i + 1 < len(pieces):
                pieces[i + 1] = ("text", pieces[i + 1][1].lstrip())

    def block(i, stop):
        nodes = []
        while i < len(pieces):
            p = pieces[i]
            if p[0] == "text":
                nodes.append(p)
                i += 1
                continue
            body = p[1]
            word = body.split(None, 1)[0] if body else ""
            if body.startswith("/*"):
                i += 1
            elif word in stop:
                return nodes, i, word
            elif word == "if":
                then, i, end = block(i + 1, ("else", "end"))
                other = []
                if end == "else":
                    other, i, end = block(i + 1, ("end",))
                nodes.append(("if", body[2:], then, other))
                i += 1
            elif word == "define":
                inner, i, _ = block(i + 1, ("end",))
                nodes.append(("define", _tokens(body[6:])[0][1], inner))
                i += 1
            elif word in ("range", "with", "template", "block"):
                raise TemplateError(f"'{word}' is outside the supported subset")
            else:
                nodes.append(("expr", body))
                i += 1
        if stop:
            raise TemplateError(f"missing {{{{ end }}}} (wanted {stop})")
        return nodes, i, None

    return block(0, ())[0]


def _truthy(v):
    return bool(v) if v is not None else False


def _text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class Renderer:
    def __init__(self, chart_dir, values, release="shop"):
        with open(f"{chart_dir}/Chart.yaml") as f:
            chart = yaml.safe_load(f)
        self.root = {"Values": values, "Release": {"Name": release, "Namespace": "default"},
                     "Chart": {k[0].upper() + k[1:]: v for k, v in chart.items()}}
        self.defines = {}
        self.chart_dir = chart_dir

    def load_helpers(self, text):
        for node in _parse(text):
            if node[0] == "define":
                self.defines[node[1]] = node[2]

    def render(self, text):
        return self._nodes(_parse(text), self.root)

    def _nodes(self, nodes, dot):
        out = []
        for n in nodes:
            if n[0] == "text":
                out.append(n[1])
            elif n[0] == "expr":
                out.append(_text(self._pipeline(_tokens(n[1]), dot)))
            elif n[0] == "if":
                out.append(self._nodes(n[2] if _truthy(self._pipeline(_tokens(n[1]), dot)) else n[3], dot))
            elif n[0] == "define":
                self.defines[n[1]] = n[2]
        return "".join(out)

    def _field(self, path, dot):
        value = dot
        for part in [p for p in path.split(".") if p]:
            if not isinstance(value, dict) or part not in value:
                raise TemplateError(f"{path}: no such value")
            value = value[part]
        return value

    def _pipeline(self, toks, dot):
        commands, depth, current = [], 0, []
        for t in toks:
            if t[0] == "|" and depth == 0:
                commands.append(current)
                current = []
                continue
            depth += t[0] == "("
            depth -= t[0] == ")"
            current.append(t)
        commands.append(current)
        value, piped = None, False
        for command in commands:
            value = self._command(command, dot, [value] if piped else [])
            piped = True
        return value

    def _terms(self, toks, dot):
        terms, i = [], 0
        while i < len(toks):
            kind, v = toks[i]
            if kind == "(":
                depth, j = 1, i + 1
                while depth:
                    depth += toks[j][0] == "("
                    depth -= toks[j][0] == ")"
                    j += 1
                terms.append(("value", self._pipeline(toks[i + 1:j - 1], dot)))
                i = j
                continue
            if kind == "field":
                terms.append(("value", self._field(v, dot) if v != "." else dot))
            elif kind in ("str", "num"):
                terms.append(("value", v))
            else:
                terms.append(("ident", v))
            i += 1
        return terms

    def _command(self, toks, dot, piped):
        terms = self._terms(toks, dot)
        if terms and terms[0][0] == "ident":
            args = [t[1] for t in terms[1:]] + piped
            return self._call(terms[0][1], args)
        if len(terms) != 1 or piped:
            raise TemplateError(f"cannot evaluate {toks}")
        return terms[0][1]

    def _call(self, name, a):
        if name == "include":
            if a[0] not in self.defines:
                raise TemplateError(f"include of undefined {a[0]!r}")
            return self._nodes(self.defines[a[0]], a[1])
        functions = {
            "printf": lambda: a[0] % tuple(a[1:]),
            "trunc": lambda: _text(a[1])[:a[0]],
            "trimSuffix": lambda: _text(a[1])[:-len(a[0])] if _text(a[1]).endswith(a[0]) else _text(a[1]),
            "quote": lambda: '"' + _text(a[0]).replace("\\", "\\\\").replace('"', '\\"') + '"',
            "indent": lambda: "\n".join(" " * a[0] + line for line in _text(a[1]).split("\n")),
            "nindent": lambda: "\n" + "\n".join(" " * a[0] + line for line in _text(a[1]).split("\n")),
            "toYaml": lambda: yaml.safe_dump(a[0], default_flow_style=False, sort_keys=True).rstrip("\n"),
            "default": lambda: a[1] if _truthy(a[1]) else a[0],
            "not": lambda: not _truthy(a[0]),
            "sha256sum": lambda: hashlib.sha256(_text(a[0]).encode()).hexdigest(),
            "b64enc": lambda: base64.b64encode(_text(a[0]).encode()).decode(),
        }
        if name not in functions:
            raise TemplateError(f"function {name!r} is outside the supported subset")
        return functions[name]()
