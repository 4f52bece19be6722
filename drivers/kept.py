"""Kept key-driver analyses: each uploaded respondent file is stored with its analysis, and the
latest one of real respondents gives the dashboards their driver weights.

The shipped SYNTHETIC sample (``analysis.shipped_analysis``) is used only when no real file has
been kept, and is then labelled as synthetic wherever its weights are shown.
"""

import dataclasses
import hashlib
import zlib

from django.db import transaction

from .analysis import Fit, Importance, KeyDriverAnalysis, analyse, read_respondents_csv, shipped_analysis
from .models import RespondentFile


def to_json(analysis):
    """A KeyDriverAnalysis as plain JSON (dicts, lists, numbers, strings)."""
    return dataclasses.asdict(analysis)


def from_json(data):
    """The KeyDriverAnalysis that ``to_json`` wrote."""

    def fit(d):
        return Fit(**{**d, "items": [Importance(**item) for item in d["items"]]})

    return KeyDriverAnalysis(
        **{
            **data,
            "overall": fit(data["overall"]),
            "boroughs": [fit(b) for b in data["boroughs"]],
            "too_small": [tuple(pair) for pair in data["too_small"]],
        }
    )


def keep_respondent_file(*, data, name, user):
    """Analyse an uploaded respondent CSV (``data``: bytes) and keep it with its analysis.

    ``user`` is the analyst or administrator uploading (the view checks the permission).
    Returns the new RespondentFile. Raises AnalysisError (nothing kept) when the file cannot
    be read or analysed.
    """
    frame, dropped, drivers = read_respondents_csv(data, name=name)
    analysis = analyse(frame, drivers=drivers, dropped=dropped, label=f"respondent file {name}")
    with transaction.atomic():
        return RespondentFile.objects.create(
            file_name=name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(frame) + dropped,
            respondents=len(frame),
            is_synthetic=analysis.synthetic,
            uploaded_by=user,
            data=zlib.compress(data, 6),
            results=to_json(analysis),
        )


def file_bytes(kept):
    """The uploaded file of a RespondentFile, as it was uploaded."""
    return zlib.decompress(bytes(kept.data))


def describe(kept):
    """Where a kept analysis comes from, for every page that shows its weights."""
    return (
        f"respondent file {kept.file_name} ({kept.rows:,} rows, {kept.respondents:,} respondents analysed; "
        f"SHA-256 {kept.sha256[:12]}…), uploaded {kept.uploaded_at:%d %b %Y}"
    )


def analysis_of(kept):
    """The KeyDriverAnalysis of a kept file, labelled with its source."""
    analysis = from_json(kept.results)
    analysis.label = describe(kept)
    return analysis


def latest_kept():
    """The latest kept file of real respondents (not synthetic), or None. One query."""
    return (
        RespondentFile.objects.filter(is_synthetic=False).defer("data").select_related("uploaded_by").first()
    )


def current_analysis():
    """(analysis, kept file or None): the latest kept real analysis, else the shipped synthetic one."""
    kept = latest_kept()
    if kept is None:
        return shipped_analysis(), None
    return analysis_of(kept), kept


def driver_weights():
    """The dashboards' driver weights and their source.

    Returns {"shares": {driver slug: importance share 0–1}, "label": the source named on the
    page, "synthetic": whether the weights come from made-up respondents, "n": respondents
    analysed, "kept_id": the RespondentFile's id or None for the shipped synthetic sample}.
    """
    analysis, kept = current_analysis()
    return {
        "shares": {item.slug: item.share for item in analysis.overall.items},
        "label": analysis.label,
        "synthetic": analysis.synthetic,
        "n": analysis.overall.n,
        "kept_id": kept.pk if kept else None,
    }
