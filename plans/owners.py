"""Parse action owners as plans write them ("Supt Brockway and Chief Inspector Barnes").

One cell may name several owners; the same person is written in several ways ("Chief Sup
Adjei-Addoh", "Chief Supt Adjei-Addoh", "CI Mark Kent" and "CI Kent"). ``parse_owners`` returns
one ParsedOwner per person or team with a ``key`` that is the same for every spelling.
"""

import re
from dataclasses import dataclass

# Longest spellings first; each maps to the abbreviation the Met uses.
RANK_SPELLINGS = [
    ("detective chief superintendent", "DCS"),
    ("chief superintendent", "Chief Supt"),
    ("chief supt", "Chief Supt"),
    ("chief sup", "Chief Supt"),
    ("ch supt", "Chief Supt"),
    ("detective superintendent", "D/Supt"),
    ("d/supt", "D/Supt"),
    ("det supt", "D/Supt"),
    ("superintendent", "Supt"),
    ("supt", "Supt"),
    ("detective chief inspector", "DCI"),
    ("dci", "DCI"),
    ("chief inspector", "CI"),
    ("ch insp", "CI"),
    ("ci", "CI"),
    ("acting detective inspector", "A/DI"),
    ("a/di", "A/DI"),
    ("detective inspector", "DI"),
    ("di", "DI"),
    ("inspector", "Insp"),
    ("insp", "Insp"),
    ("detective sergeant", "DS"),
    ("ds", "DS"),
    ("police sergeant", "PS"),
    ("sergeant", "PS"),
    ("ps", "PS"),
    ("police constable", "PC"),
    ("pc", "PC"),
]
RANK_TITLES = {
    "DCS": "Detective Chief Superintendent",
    "Chief Supt": "Chief Superintendent",
    "D/Supt": "Detective Superintendent",
    "Supt": "Superintendent",
    "DCI": "Detective Chief Inspector",
    "CI": "Chief Inspector",
    "A/DI": "Acting Detective Inspector",
    "DI": "Detective Inspector",
    "Insp": "Inspector",
    "DS": "Detective Sergeant",
    "PS": "Police Sergeant",
    "PC": "Police Constable",
}
TEAM_ALIASES = {
    "tcet": "TCET",
    "trust, confidence and engagement team": "TCET",
    "comms team": "Comms Team",
}
TEAM_WORDS = {
    "team",
    "teams",
    "unit",
    "leads",
    "lead",
    "strands",
    "strand",
    "services",
    "snts",
    "meeting",
    "department",
    "all",
    "officers",
    "staff",
    "board",
    "group",
}

_RANK_RE = re.compile(
    r"^(?P<rank>" + "|".join(re.escape(s) for s, _ in RANK_SPELLINGS) + r")\.?(?=\s|$)",
    re.IGNORECASE,
)
_RANK_MAP = {s: abbr for s, abbr in RANK_SPELLINGS}


@dataclass(frozen=True)
class ParsedOwner:
    key: str
    label: str
    rank: str = ""
    name: str = ""
    team: str = ""

    @property
    def surname(self):
        return self.name.split()[-1] if self.name else ""


def _split_outside_parens(text, pattern):
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[()]|" + pattern, text, flags=re.IGNORECASE):
        part = match.group(0)
        if part == "(":
            depth += 1
        elif part == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [p.strip(" .;,") for p in parts if p.strip(" .;,")]


def _normalise_team(team):
    team = " ".join(team.split()).strip(" .")
    return TEAM_ALIASES.get(team.lower(), team)


def _team_owner(text):
    team = re.sub(r"^all\s+", "", " ".join(text.split()), flags=re.IGNORECASE).strip(" .")
    team = team[0].upper() + team[1:] if team else team
    team = _normalise_team(team)
    return ParsedOwner(key=f"team:{team.lower()}", label=team, team=team)


def parse_one(text):
    text = " ".join(text.split()).strip(" .")
    team = ""
    paren = re.search(r"\(([^)]*)\)\s*$", text)
    match = _RANK_RE.match(text)
    if paren and match:
        team = _normalise_team(paren.group(1))
        text = text[: paren.start()].strip()
    if match:
        rank = _RANK_MAP[match.group("rank").lower()]
        words = text[match.end() :].split()
        if words and words[-1].upper() == words[-1] and len(words) > 1 and words[-1].isalpha():
            team = _normalise_team(words.pop())  # "PS Nigel Pearce TCET"
        if not words:
            return _team_owner(text)
        name = " ".join(words)
        surname = words[-1]
        label = f"{rank} {name}"
        return ParsedOwner(key=f"{rank}:{surname}".lower(), label=label, rank=rank, name=name, team=team)
    words = text.split()
    looks_like_person = (
        2 <= len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not any(w.lower() in TEAM_WORDS for w in words)
        and "(" not in text
    )
    if looks_like_person:
        return ParsedOwner(key=f":{words[-1]}".lower(), label=text, name=text)
    return _team_owner(text)


def parse_owners(cell):
    """All owners named in one cell, in order, without repeats."""
    cell = " ".join(str(cell or "").split())
    if not cell:
        return []
    owners, seen = [], set()
    for part in _split_outside_parens(cell, r"\s+and\s+|;|&|(?<=[A-Za-z]{3})/(?=[A-Za-z]{3})"):
        owner = parse_one(part)
        if owner.key not in seen:
            seen.add(owner.key)
            owners.append(owner)
    return owners


def merge(existing, new):
    """Keep the fullest spelling of a person seen under one key (e.g. a first name)."""
    if existing is None:
        return new
    name = new.name if len(new.name) > len(existing.name) else existing.name
    label = new.label if len(new.label) > len(existing.label) else existing.label
    return ParsedOwner(
        key=existing.key,
        label=label,
        rank=existing.rank or new.rank,
        name=name,
        team=existing.team or new.team,
    )
