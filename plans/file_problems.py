"""What either importer (plans: plans.imports; survey figures: plans.measures_import) reports
about the contents of a file it read."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileProblem:
    """One problem in an uploaded file: where (sheet, table or file; row, or None; column, or
    ""), what is wrong and what was expected. Each importer words its own ``__str__``."""

    sheet: str
    row: int | None
    column: str
    problem: str
    expected: str
