"""Read a borough plan published as a tab-separated text table (the Southwark plan's layout).

Layout: a pillar heading line ("More Trust:"), a numbered list of the pillar's objectives, then
per objective a header row ``N <tab> <i>Title</i> <tab> Action owner <tab> RAG Rating`` and one
row per action ``<tab> text <tab> owner <tab> RAG``. A row with text but no owner and no RAG
continues the action above it (a page break in the source). Blank lines are page breaks.
"""

import re
from dataclasses import dataclass, field

from .choices import parse_rag

PILLAR_RE = re.compile(r"^(More Trust|Less Crime|Higher Standards):\s*$")
LIST_RE = re.compile(r"^(\d+)\.\s+(.+?)\s*$")
HEADER_RE = re.compile(r"^(\d+)\t(.*?)\tAction owner\tRAG Rating\s*$", re.IGNORECASE)


@dataclass
class SeedAction:
    pillar: str
    objective_number: int
    objective_title: str
    position: int
    text: str
    owners: str
    rag_word: str
    line: int
    rag: str = field(init=False)

    def __post_init__(self):
        self.rag = parse_rag(self.rag_word)


def _clean(text):
    text = re.sub(r"</?i>", "", text)
    return " ".join(text.split()).strip(" –-")


def parse_plan_text(text):
    """Return the list of SeedAction in the order of the document."""
    actions = []
    pillar = None
    titles = {}
    objective = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if match := PILLAR_RE.match(line.strip()):
            pillar, objective = match.group(1), None
            continue
        if pillar is None:
            continue
        if match := HEADER_RE.match(line):
            num = int(match.group(1))
            objective = (num, titles.get((pillar, num)) or _clean(match.group(2)))
            continue
        if objective is None:
            if match := LIST_RE.match(line.strip()):
                titles[(pillar, int(match.group(1)))] = _clean(match.group(2))
            continue
        if not line.strip():
            continue
        cells = line.split("\t")
        cells += [""] * (4 - len(cells))
        body, owner, rag = _clean(cells[1]), cells[2].strip(), cells[3].strip()
        if not body:
            continue
        if not owner and not rag and actions and actions[-1].line < number:
            actions[-1].text = f"{actions[-1].text} {body}"
            continue
        position = sum(1 for a in actions if a.pillar == pillar and a.objective_number == objective[0]) + 1
        actions.append(SeedAction(pillar, objective[0], objective[1], position, body, owner, rag, number))
    return actions
