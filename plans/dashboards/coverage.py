"""Driver coverage: whether a driver of the MPS confidence model is served by on-track actions."""

from dataclasses import dataclass

from drivers.models import Driver

from .counts import Counts

CONFIDENCE_FRAMEWORK = "mps-confidence-model"
COVERED, AT_RISK, GAP = "covered", "at_risk", "gap"
COVERAGE_LABELS = {
    COVERED: ("●", "Covered"),
    AT_RISK: ("▲", "At risk"),
    GAP: ("○", "Gap"),
}
COVERAGE_CLASS = {COVERED: "cell-green", AT_RISK: "cell-amber", GAP: "cell-gap"}


def coverage_state(counts):
    """Covered: more than half its actions are on track (Green or Complete). At risk: it has
    actions but half or fewer are on track. Gap: no action serves the driver."""
    if counts is None or counts.total == 0:
        return GAP
    return COVERED if 2 * counts.on_track > counts.total else AT_RISK


def confidence_drivers():
    """The MPS confidence model's drivers, in order (one query)."""
    return list(Driver.objects.filter(framework__slug=CONFIDENCE_FRAMEWORK).order_by("order", "name"))


@dataclass
class Cell:
    counts: Counts | None
    state: str
    url: str = ""

    @property
    def glyph(self):
        return COVERAGE_LABELS[self.state][0]

    @property
    def label(self):
        return COVERAGE_LABELS[self.state][1]

    @property
    def css(self):
        return COVERAGE_CLASS[self.state]

    @property
    def total(self):
        return self.counts.total if self.counts else 0
