"""Expressions in a process run restricted: what an analyst may write runs, nothing reaches
files, modules or the interpreter, and each refusal says why."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burgh.flows.engine import expressions


class TestRunning:
    def test_an_expression_reads_the_process_data(self):
        data = {"severity": "serious", "depth_mm": 45}
        assert expressions.evaluate('severity == "serious" and depth_mm >= 40', data) is True

    def test_a_script_writes_back_the_values_it_sets_and_nothing_else(self):
        data = {"days": 2}
        expressions.execute("days += 3\ndue = date(2026, 12, 1) + timedelta(days=days)", data)
        assert data["days"] == 5
        assert str(data["due"]) == "2026-12-06"
        assert set(data) == {"days", "due"}

    @given(st.integers(-10_000, 10_000), st.integers(-10_000, 10_000))
    def test_arithmetic_agrees_with_python(self, left, right):
        assert expressions.evaluate("a * 3 - b", {"a": left, "b": right}) == left * 3 - right


class TestRefusing:
    @pytest.mark.parametrize(
        ("source", "reason"),
        [
            ("import os", "imports a module"),
            ("from os import system", "imports a module"),
            ('open("/etc/passwd").read()', "uses 'open'"),
            ('__import__("os")', "uses '__import__'"),
            ('getattr(case, "secret")', "uses 'getattr'"),
            ("().__class__.__bases__", 'starts with "_"'),
            ("eval('1')", "Eval calls are not allowed"),
            ("def f(): pass", "defines a function"),
            ("x = (", "not a valid Python script"),
        ],
    )
    def test_forbidden_code_is_refused_with_its_reason(self, source, reason):
        found = expressions.problems(source, "exec")
        assert any(reason in problem for problem in found), found

    def test_refused_code_does_not_run_either(self):
        with pytest.raises(expressions.ExpressionError, match="open"):
            expressions.evaluate('open("/etc/passwd")', {})

    def test_a_name_from_the_data_that_shadows_nothing_runs(self):
        assert expressions.problems("len(items) > 2 and max(items) < 10") == []
