"""Borough names as official sources write them → our boroughs. One table, with its sources.

Sources:
- ONS / GSS: the 33 London local authority districts, codes E09000001–E09000033, with the names
  ONS publishes ("Barking and Dagenham", "Kingston upon Thames", …): our reference list
  ``fixtures/london_boroughs.csv`` (see its README), loaded into ``Borough``. Matched by code
  and by name through ``key`` ("&" for "and", hyphens, case and spacing ignored).
- The councils' own styles, as on their websites and in government publications: "London
  Borough of …" (and "LB …"), the three Royal Boroughs (Greenwich, Kensington and Chelsea,
  Kingston upon Thames), "City of Westminster", "… Council". These prefixes and suffixes are
  removed by ``strip_style``; a borough written in any of them is recognised.
- Short forms seen in Met, MOPAC and council publications, which no rule can derive: the
  ``ALIASES`` table below (e.g. "H&F", "RBKC", "Kingston", "Richmond").

The City of London (E09000001) is not a Met borough: it is policed by the City of London
Police and not sampled by the PAS. It is recognised so that the message can say so.
"""

import re

from .text import key, show

# Short forms (already in ``key`` form) → the ONS code of the borough they name.
ALIASES = {
    "lbbd": "E09000002",
    "barking": "E09000002",
    "b and d": "E09000002",
    "bandd": "E09000002",
    "h and f": "E09000013",
    "handf": "E09000013",
    "lbhf": "E09000013",
    "hammersmith": "E09000013",
    "k and c": "E09000020",
    "kandc": "E09000020",
    "rbkc": "E09000020",
    "kensington": "E09000020",
    "kingston": "E09000021",
    "rbk": "E09000021",
    "richmond": "E09000027",
    "westminster city": "E09000033",
}
CITY_OF_LONDON = "E09000001"
CITY_OF_LONDON_KEYS = {"city of london", "city", "city of london corporation", "corporation of london"}
LONDON_WORDS = {
    "london",
    "mps",
    "met",
    "metropolitan police",
    "metropolitan police service",
    "london mps",
    "mpd",
    "metropolitan police district",
    "london wide",
    "all london",
    "london all boroughs",
}
_PREFIXES = re.compile(
    r"^(?:the )?(?:(?:london|royal) borough of |lb of |lb |rb of |rb |city of (?=westminster))"
)
_SUFFIXES = re.compile(r" (?:london borough council|borough council|council|london borough|lb|borough)$")


def strip_style(text_key):
    """A ``key`` with the council's style ("London Borough of", "Royal Borough of", "Council") removed."""
    text_key = re.sub(r"^the ", "", text_key)
    if text_key in CITY_OF_LONDON_KEYS:
        return text_key
    return _SUFFIXES.sub("", _PREFIXES.sub("", text_key)).strip()


class BoroughNames:
    """Resolves a borough as written in a file to a Borough, London (None), or an error message.

    ``boroughs`` is an iterable of Borough (real boroughs). ``resolve(text)`` returns
    ``(borough_or_None, problem_or_None)``: (Borough, None) for a borough, (None, None) for the
    London figure, (None, message) when it is not recognised.
    """

    def __init__(self, boroughs):
        self.by_key = {}
        self.by_code = {}
        for borough in boroughs:
            self.by_code[borough.ons_code.upper()] = borough
            self.by_key[strip_style(key(borough.name))] = borough
            self.by_key[strip_style(key(borough.slug))] = borough

    def resolve(self, text):
        raw = str(text).strip()
        if raw.upper() in self.by_code:
            return self.by_code[raw.upper()], None
        name = strip_style(key(raw))
        if name in LONDON_WORDS:
            return None, None
        if name in CITY_OF_LONDON_KEYS or raw.upper() == CITY_OF_LONDON:
            return None, (
                f"'{show(text)}': the City of London is not a Met borough (it is policed by the "
                "City of London Police) and has no PAS borough figure."
            )
        borough = self.by_key.get(name)
        if borough is None and name in ALIASES:
            borough = self.by_code.get(ALIASES[name])
        if borough is None:
            return None, f"Unknown borough '{show(text)}'."
        return borough, None
