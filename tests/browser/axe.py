"""axe-core (vendored in tests/browser/vendor/, never fetched at run time) run on a Playwright page.

`run_axe(page)` → the list of violations of the WCAG 2.0, 2.1 and 2.2 A and AA rules, each a dict
of axe's result (`id`, `impact`, `help`, `nodes` with `target` and `failureSummary`).
`describe(violations)` → one readable line per failing element, for an assertion message.
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_source = None


def axe_source():
    """The text of axe.min.js, read once per process."""
    global _source  # noqa: PLW0603 — a 650 kB file read once, not once per page
    if _source is None:
        _source = AXE_JS.read_text(encoding="utf-8")
    return _source


def run_axe(page, *, exclude=()):
    """Run axe on the page as it is now (after any clicks); `exclude` lists CSS selectors of parts
    that are not ours (e.g. a third-party widget). Injected through the DevTools protocol, so the
    page's Content-Security-Policy (script-src 'self') does not block it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """([tags, exclude]) => axe.run(
            {include: [document], exclude: exclude.map((s) => [s])},
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [WCAG_TAGS, list(exclude)],
    )
    return result["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{violation['id']} ({violation['impact']}) at {node['target']}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"{violation['id']}: and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)
