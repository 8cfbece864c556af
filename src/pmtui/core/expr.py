"""A small, safe expression language for calculated KPIs.

Grammar (recursive descent, usual precedence, left-associative)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Names are KPI codes (``REVENUE``); functions are :data:`FUNCTIONS`. The text is parsed
into an AST of plain dataclasses and evaluated by walking it: no ``eval``/``exec``, no
attribute access, no other syntax. Errors are ``ValueError`` naming the 1-based
character position.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Functions and how many arguments each takes (None: one or more).
FUNCTIONS = {"min": None, "max": None, "abs": 1, "avg": None, "if_zero": 2}
MAX_LENGTH = 500

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/(),]))")


@dataclass(frozen=True)
class Num:
    """A number literal."""

    value: float


@dataclass(frozen=True)
class Ref:
    """A reference to a KPI by code."""

    code: str


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: object


@dataclass(frozen=True)
class BinOp:
    """``left op right`` with op one of ``+ - * /``."""

    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    """A function call."""

    name: str
    args: tuple


@dataclass(frozen=True)
class Token:
    """One token: kind ("num", "name", "op" or "end"), its text and 1-based position."""

    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (ending with an "end" token).

    Raises:
        ValueError: on a character that starts no token, naming its position.
    """
    if len(text) > MAX_LENGTH:
        raise ValueError(f"formula is longer than {MAX_LENGTH} characters")
    tokens, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return tokens + [Token("end", "", len(text) + 1)]
        match = _TOKEN.match(text, i)
        if not match or match.start(match.lastgroup) != i:
            raise ValueError(f"unexpected character {text[i]!r} at position {i + 1}")
        tokens.append(Token(match.lastgroup, match.group(match.lastgroup), i + 1))
        i = match.end()


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self, text: str | None = None) -> Token:
        tok = self.tok
        if text is not None and tok.text != text:
            found = "end of formula" if tok.kind == "end" else repr(tok.text)
            raise ValueError(f"expected {text!r} at position {tok.pos}, found {found}")
        self.i += 1
        return tok

    def parse(self):
        if self.tok.kind == "end":
            raise ValueError("formula is empty")
        node = self.expr()
        if self.tok.kind != "end":
            raise ValueError(f"unexpected {self.tok.text!r} at position {self.tok.pos}")
        return node

    def expr(self):
        node = self.term()
        while self.tok.text in ("+", "-") and self.tok.kind == "op":
            node = BinOp(self.take().text, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.tok.text in ("*", "/") and self.tok.kind == "op":
            node = BinOp(self.take().text, node, self.unary())
        return node

    def unary(self):
        if self.tok.kind == "op" and self.tok.text == "-":
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self):
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return Num(float(tok.text))
        if tok.kind == "name":
            self.take()
            if self.tok.text != "(":
                if tok.text in FUNCTIONS:
                    raise ValueError(f"function {tok.text} at position {tok.pos} needs arguments in parentheses")
                return Ref(tok.text)
            return self.call(tok)
        if tok.text == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        found = "end of formula" if tok.kind == "end" else repr(tok.text)
        raise ValueError(f"expected a number, KPI code or '(' at position {tok.pos}, found {found}")

    def call(self, name: Token):
        if name.text not in FUNCTIONS:
            raise ValueError(f"unknown function {name.text!r} at position {name.pos}; use {', '.join(FUNCTIONS)}")
        self.take("(")
        args = [self.expr()]
        while self.tok.text == ",":
            self.take()
            args.append(self.expr())
        self.take(")")
        arity = FUNCTIONS[name.text]
        if arity is not None and len(args) != arity:
            raise ValueError(f"{name.text} at position {name.pos} takes {arity} argument(s), not {len(args)}")
        return Call(name.text, tuple(args))


def parse(text: str):
    """Parse a formula into its AST.

    Args:
        text: The formula, e.g. ``"OPEX / REVENUE * 100"``.

    Returns:
        The root node (:class:`Num`, :class:`Ref`, :class:`Neg`, :class:`BinOp` or :class:`Call`).

    Raises:
        ValueError: naming the problem and its 1-based character position.
    """
    return _Parser(text).parse()


def references(node) -> set[str]:
    """KPI codes referred to by an AST."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        return set().union(*(references(a) for a in node.args))
    return set()


class NoValue(Exception):
    """The formula has no value for these inputs (the message says why)."""


def evaluate(node, values: dict[str, float]) -> float:
    """Evaluate an AST with ``values`` for its KPI codes.

    Raises:
        NoValue: division by zero, a missing input or a non-finite result.
    """
    result = _eval(node, values)
    if not math.isfinite(result):
        raise NoValue("the result is not a finite number")
    return result


def _eval(node, values: dict[str, float]) -> float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        if node.code not in values or values[node.code] is None:
            raise NoValue(f"no value for {node.code}")
        return float(values[node.code])
    if isinstance(node, Neg):
        return -_eval(node.operand, values)
    if isinstance(node, BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if node.op == "/":
            if right == 0:
                raise NoValue("division by zero")
            return left / right
        return {"+": left + right, "-": left - right, "*": left * right}[node.op]
    if isinstance(node, Call):
        args = [_eval(a, values) for a in node.args]
        if node.name == "min":
            return min(args)
        if node.name == "max":
            return max(args)
        if node.name == "abs":
            return abs(args[0])
        if node.name == "avg":
            return math.fsum(args) / len(args)
        return args[1] if args[0] == 0 else args[0]  # if_zero(x, fallback)
    raise TypeError(f"not an expression node: {node!r}")
