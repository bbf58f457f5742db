"""Expressions and scripts in a process, run in a restricted environment.

A process's conditions, script tasks, action inputs and decision-table entries are Python
expressions over the case's process data, written by an analyst in a modeller and deployed
without a release. They are compiled with RestrictedPython (no names or attributes beginning
with an underscore, no exec or eval) and run with a short list of built-ins: no `open`, no
`__import__`, no `getattr`. An import, a forbidden name or a syntax error is refused when the
file is deployed (`problems`), with the reason; what passes is compiled once and kept.
"""

import ast
import builtins
import datetime
import math
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

Mode = Literal["eval", "exec"]

# What an expression may call: plain values and the arithmetic, text and date helpers a
# procedure needs (a due date, a count, a rounding). Nothing that reaches files, modules,
# objects' insides or the interpreter.
ALLOWED_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in [
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "divmod",
        "enumerate",
        "float",
        "int",
        "isinstance",
        "len",
        "list",
        "max",
        "min",
        "range",
        "reversed",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
        "True",
        "False",
        "None",
    ]
} | {
    "date": datetime.date,
    "datetime": datetime.datetime,
    "timedelta": datetime.timedelta,
    "ceil": math.ceil,
    "floor": math.floor,
}
# Python's own built-ins that are not allowed: named in a refusal, so an analyst learns that
# `open` is refused rather than that it "is not defined" when the step runs.
FORBIDDEN_NAMES = frozenset(dir(builtins)) - set(ALLOWED_BUILTINS)


def _inplace(operator: str, left: Any, right: Any) -> Any:
    """`x += 1` and its kind, which RestrictedPython routes through here."""
    operations = {
        "+=": lambda: left + right,
        "-=": lambda: left - right,
        "*=": lambda: left * right,
        "/=": lambda: left / right,
        "//=": lambda: left // right,
        "%=": lambda: left % right,
    }
    if operator not in operations:
        raise SyntaxError(f"{operator} is not allowed in a process script")
    return operations[operator]()


GUARDS: dict[str, Any] = {
    "__builtins__": ALLOWED_BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplace,
}


class ExpressionError(Exception):
    """An expression or script that may not run, with every reason found."""

    def __init__(self, source: str, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.source = source
        self.reasons = reasons


def problems(source: str, mode: Mode = "eval") -> list[str]:
    """Why `source` may not run in a process (empty when it may), each reason a sentence."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        return [f"it is not a valid Python {_kind(mode)}{where}: {error.msg}"]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(f"line {node.lineno}: it imports a module, which a process may not do")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"line {node.lineno}: it uses {node.id!r}, which a process may not use")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            found.append(
                f"line {node.lineno}: it defines a function or class, which a process may not do"
            )
    compiled = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    found.extend(_sentence(error) for error in compiled.errors)
    return list(dict.fromkeys(found))


def _kind(mode: Mode) -> str:
    return "expression" if mode == "eval" else "script"


def _sentence(error: str) -> str:
    """RestrictedPython's 'Line 1: "_x" is an invalid ...' as our lower-case clause."""
    head, _, rest = error.partition(": ")
    return f"{head.lower()}: {rest.rstrip('.')}" if rest else error


@lru_cache(maxsize=4096)
def compiled(source: str, mode: Mode) -> CodeType:
    """The checked, compiled code of `source`, once per source text in a process."""
    found = problems(source, mode)
    if found:
        raise ExpressionError(source, found)
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    assert result.code is not None
    return result.code


def evaluate(expression: str, data: Mapping[str, Any]) -> Any:
    """The value of `expression` over `data` (the process's data, read only)."""
    scope = {**GUARDS, **data}
    return eval(compiled(expression, "eval"), scope)  # noqa: S307 (restricted, checked code)


def execute(script: str, data: MutableMapping[str, Any]) -> None:
    """Run `script` over `data`; the names it sets (values, not functions) are written back."""
    scope = {**GUARDS, **data}
    exec(compiled(script, "exec"), scope)  # noqa: S102 (restricted, checked code)
    for name, value in scope.items():
        if name in GUARDS or name.startswith("_") or callable(value):
            continue
        data[name] = value
