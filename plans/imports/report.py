"""What an import found and would do: problems (where, what, what was expected), changes, losses.

``ImportReport`` is what ``import_plan`` returns and what the preview page, the command and the
log show. A ``Problem`` names its place as the reader gave it: a sheet and row and column of a
workbook, a table and row and column or a paragraph of a Word document, a line of a CSV file.
``losses`` are the information a re-import would remove from the plan (a RAG downgraded, owners
removed, a due date cleared, near-duplicate actions): the preview lists them first.
"""

from dataclasses import dataclass, field

from ..file_problems import FileProblem

MAX_PROBLEMS = 500


class ImportRejected(Exception):
    """The file was refused before its contents were read."""


class Problem(FileProblem):
    """A problem of a plan file: "Sheet row 3 Owner: … (expected: …)"."""

    def __str__(self):
        where = " ".join(p for p in (self.sheet, f"row {self.row}" if self.row else "", self.column) if p)
        return f"{where}: {self.problem} (expected: {self.expected})"


@dataclass
class Change:
    kind: str  # "action", "objective", "owner", "plan"
    label: str
    details: list = field(default_factory=list)
    sheet: str = ""
    row: int | None = None

    def where(self):
        return " ".join(p for p in (self.sheet, f"row {self.row}" if self.row else "") if p)


@dataclass
class ImportReport:
    borough: object
    filename: str = ""
    sha256: str = ""
    dry_run: bool = True
    clear_blanks: bool = False
    kind: str = ""
    rejected: str = ""
    problems: list = field(default_factory=list)
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)
    losses: list = field(default_factory=list)  # [Change]: what the import would remove
    notes: list = field(default_factory=list)
    rows_read: int = 0
    applied: bool = False

    @property
    def ok(self):
        return not self.rejected and not self.problems

    def add(self, *args, **kwargs):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(*args, **kwargs))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem("", None, "", "Too many problems: stopped listing", "fewer errors"))

    def summary(self):
        if self.rejected:
            return f"Rejected: {self.rejected}"
        if self.problems:
            return f"{len(self.problems)} problem(s) found: nothing was imported."
        verb = "Would create" if not self.applied else "Created"
        counts = {}
        for change in self.created:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        made = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()) or "nothing"
        changed = sum(1 for c in self.changed if c.kind == "action")
        return (
            f"{verb} {made}; {'would change' if not self.applied else 'changed'} {changed} action(s) and "
            f"{sum(1 for c in self.changed if c.kind != 'action')} other item(s); "
            f"{len(self.unchanged)} action(s) unchanged; "
            f"{len(self.left_alone)} not in the file left alone."
        )

    def confirm_label(self):
        """The confirm button's words: what confirming will do, losses included."""
        actions = sum(1 for c in self.created if c.kind == "action")
        changed = sum(1 for c in self.changed if c.kind == "action")
        label = f"Import: create {actions} action{'s' if actions != 1 else ''}, change {changed}"
        if self.losses:
            label += (
                f", and accept {len(self.losses)} loss{'es' if len(self.losses) != 1 else ''} listed above"
            )
        return label
