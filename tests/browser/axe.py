"""Runs axe-core in the page under test and turns its violations into a readable failure."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from burgh.settings.base import PROJECT_DIR

AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the accessibility regulations ask of a council.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(
            f"{AXE_SCRIPT} is missing: run `make setup` (npm ci) to install axe-core."
        )
    return Path(AXE_SCRIPT).read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations for the page as it is now (after any actions the test took)."""
    # A page still loading (a click's navigation just committed) has no document to look at yet.
    page.wait_for_load_state()
    # Evaluated through the DevTools protocol rather than added as a <script>: the page's CSP
    # (script-src 'self' + nonce) rightly refuses injected scripts, and the test must keep the
    # CSP switched on to notice when a page breaks it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source()}\n }}")
        page.evaluate("() => { if (typeof axe === 'object') { window.axe = axe; } }")
    # Only media is preloaded. axe's CSS preload serves just its experimental orientation rule,
    # which these tags never run, and it re-parses @import-ed sheets (the admin's forms.css) by
    # adding a <style> to the page, which the CSP rightly refuses, so the page looked at fault.
    result: dict[str, Any] = page.evaluate(
        """(tags) => window.axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            preload: {assets: ['media']},
        })""",
        WCAG_TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_violations(page: Page) -> None:
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} accessibility problem(s) on {page.url}:\n"
            + describe(violations)
        )
