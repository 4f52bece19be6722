"""Writes of publishing: the editors' public progress notes, the commander's publish and
unpublish. Keyword-only, each checks permission, validates everything, then writes in one
transaction and records history (the Publication rows themselves: who published or withdrew
what, when; and a line in the security log).

Who may:
- write public notes: the borough's editors (``plans.scope``: SUBMIT_RETURN), while the return is
  not published;
- publish and unpublish: the borough commander (``plans.scope``: SIGN_OFF_RETURN); administrators
  may do both.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..choices import ReturnStatus
from ..models import PublicLine, PublicNote
from ..models.publishing import PUBLIC_NOTE_LIMIT, Publication
from ..scope import SIGN_OFF_RETURN, SUBMIT_RETURN, may
from .public import build_public_lines

security_log = logging.getLogger("trustplan.security")


def _deny(user, what):
    security_log.warning("permission denied: user=%s %s", user, what)
    raise PermissionDenied(what[0].upper() + what[1:] + ".")


def live_publication(ret):
    """The return's current publication (not withdrawn), or None."""
    return Publication.objects.filter(quarterly_return=ret, withdrawn_at__isnull=True).first()


def may_publish(user, ret):
    return ret.plan.borough_id is not None and may(user, SIGN_OFF_RETURN, ret.plan)


def may_write_notes(user, ret):
    return ret.plan.borough_id is not None and may(user, SUBMIT_RETURN, ret.plan)


def clean_notes(ret, notes):
    """{action_id: text} → {action_id: tidied text}; ValidationError naming each bad action.

    Every action must be a line of the return; a note is at most PUBLIC_NOTE_LIMIT characters."""
    in_return = set(ret.lines.values_list("action_id", flat=True))
    errors, cleaned = {}, {}
    for action_id, text in notes.items():
        text = "\n".join(line.rstrip() for line in str(text or "").strip().splitlines())
        if action_id not in in_return:
            errors[f"note-{action_id}"] = f"Action {action_id} is not in the {ret.label} return."
        elif len(text) > PUBLIC_NOTE_LIMIT:
            errors[f"note-{action_id}"] = (
                f"The public note on action {action_id} is {len(text)} characters: "
                f"at most {PUBLIC_NOTE_LIMIT}."
            )
        cleaned[action_id] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_public_notes(*, ret, user, notes):
    """Write the editors' public progress notes of a return: {action_id: text}; an empty text
    removes the note. Returns the number of notes written or removed.

    Raises PermissionDenied (not an editor of the borough), ValidationError (the return is
    published: unpublish first; an action not in the return; a note too long)."""
    if not may_write_notes(user, ret):
        _deny(user, f"only editors of {ret.plan.borough} can write its public notes")
    if live_publication(ret) is not None:
        raise ValidationError(
            f"The {ret.label} return is published: unpublish it to change its public notes. "
            "Nothing was saved."
        )
    cleaned = clean_notes(ret, notes)
    existing = {n.action_id: n for n in PublicNote.objects.filter(quarterly_return=ret)}
    changed = 0
    with transaction.atomic():
        for action_id, text in cleaned.items():
            note = existing.get(action_id)
            if not text:
                if note is not None:
                    note.delete()
                    changed += 1
            elif note is None or note.text != text:
                PublicNote.objects.update_or_create(
                    quarterly_return=ret,
                    action_id=action_id,
                    defaults={"text": text, "written_by": user, "written_at": timezone.now()},
                )
                changed += 1
    return changed


def publish_return(*, ret, user, seen_version, confirmed):
    """Publish a signed-off return to /public/: copy what the public sees into a Publication.

    ``seen_version`` is the return's version shown in the preview; ``confirmed`` the
    commander's tick that they checked the preview. Raises PermissionDenied (not the borough
    commander) or ValidationError (not confirmed, not signed off, changed since the preview,
    already published). Returns the Publication."""
    if not may_publish(user, ret):
        _deny(user, f"only the borough commander of {ret.plan.borough} can publish its return")
    if not confirmed:
        raise ValidationError(
            {"confirm": "Tick the box to confirm you have checked what the public will see."}
        )
    ret.refresh_from_db()
    if ret.status != ReturnStatus.SIGNED_OFF:
        raise ValidationError(
            f"Only a signed-off return can be published; this one is {ret.get_status_display().lower()}."
        )
    if ret.version != seen_version:
        raise ValidationError(
            "The return changed since you previewed it: check the preview again. Nothing was published."
        )
    if live_publication(ret) is not None:
        raise ValidationError(f"The {ret.label} return is already published.")
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                quarterly_return=ret,
                return_version=ret.version,
                licence=settings.PUBLIC_LICENCE,
                published_by=user,
            )
            PublicLine.objects.bulk_create(build_public_lines(ret, publication))
    except IntegrityError:  # a second publish of the same return at the same moment
        raise ValidationError(f"The {ret.label} return is already published.") from None
    security_log.info("published: return=%s borough=%s quarter=%s", ret.pk, ret.plan.borough.slug, ret.label)
    return publication


def unpublish_return(*, ret, user):
    """Withdraw the return's publication: it leaves every public URL at once (shared caches may
    keep a copy for up to PUBLIC_CACHE_SECONDS). Raises PermissionDenied (not the borough
    commander) or ValidationError (not published). Returns the withdrawn Publication."""
    if not may_publish(user, ret):
        _deny(user, f"only the borough commander of {ret.plan.borough} can unpublish its return")
    now = timezone.now()
    with transaction.atomic():
        publication = live_publication(ret)
        withdrawn = publication and Publication.objects.filter(
            pk=publication.pk, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawn_by=user)
        if not withdrawn:
            raise ValidationError(f"The {ret.label} return is not published.")
    publication.refresh_from_db()
    security_log.info(
        "unpublished: return=%s borough=%s quarter=%s", ret.pk, ret.plan.borough.slug, ret.label
    )
    return publication
