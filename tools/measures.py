"""The size measures of the product code, checked by ``make lint``.

No module over 400 lines, no function over 60 lines, no block of cyclomatic complexity worse
than C (radon's rank: A-C pass, D-F fail). Product code is ``plans/``, ``drivers/`` and
``trustplan/`` without migrations. Prints one line per breach (path:line, what, measure) and
exits 1 when there is any that is not in ``PENDING``.
"""

import sys
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("plans", "drivers", "trustplan")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
WORST_RANK = "C"

# Modules allowed to breach the measures while they are being split ({path: what is left}): their
# breaches are reported, not failed. Empty: every module is within the measures.
PENDING = {}


def product_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def breaches(path):
    """[(line, text)] of every measure ``path`` breaks."""
    source = path.read_text()
    found = []
    lines = source.count("\n") + 1
    if lines > MAX_MODULE_LINES:
        found.append((1, f"module of {lines} lines (at most {MAX_MODULE_LINES})"))
    for block in cc_visit(source):
        is_class = hasattr(block, "methods")
        for item in [block, *getattr(block, "methods", [])]:
            length = item.endline - item.lineno + 1
            if length > MAX_FUNCTION_LINES and not (is_class and item is block):
                found.append((item.lineno, f"{item.name}: {length} lines (at most {MAX_FUNCTION_LINES})"))
            rank = cc_rank(item.complexity)
            if rank > WORST_RANK:
                found.append((item.lineno, f"{item.name}: complexity {item.complexity}, rank {rank}"))
    return found


def main():
    failed = False
    for path in product_files():
        name = path.relative_to(ROOT).as_posix()
        for line, text in breaches(path):
            pending = PENDING.get(name)
            print(f"{name}:{line}: {text}" + (f" (pending: {pending})" if pending else ""))
            failed = failed or pending is None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
