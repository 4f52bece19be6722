"""The Django side of the load test: log-ins made directly in the database before the run, and
the history check after it. Run in a worker process with the same SECRET_KEY as the server
(session hashes depend on it)."""

import json
import re
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Max

from bench.build import bench_borough
from plans.models import Action, StatusUpdate
from plans.tokens import issue_token

READERS = ["mopac.oversight", "southwark.editor"]
WRITERS = ["southwark.editor", "lambeth.editor"]
TOKEN = re.compile(r"\[load (?P<token>[0-9a-f]{16})\]")


def _session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def setup(params):
    """Sessions for the readers, API tokens for the writers, and the actions they will update."""
    User = get_user_model()
    clients = params.get("clients", 20)
    hot = params.get("hot_actions", 8)
    readers = [User.objects.get(username=name) for name in READERS]
    sessions = [
        {"user": readers[i % len(readers)].username, "sessionid": _session_for(readers[i % len(readers)])}
        for i in range(clients)
    ]
    writers, targets, boroughs = {}, [], []
    for username in WRITERS:
        user = User.objects.get(username=username)
        member_of = user.memberships.filter(borough__plans__isnull=False).order_by("borough__slug")
        borough = member_of.values_list("borough__slug", flat=True).first()
        if borough is None:
            continue
        writers[username] = issue_token(user=user, name="load benchmark", scope="write", days=7)[1]
        boroughs.append(borough)
        actions = Action.objects.filter(objective__plan__borough__slug=borough, completed=False)
        for pk in actions.order_by("pk").values_list("pk", flat=True)[:hot]:
            targets.append({"id": pk, "writer": username, "borough": borough})
    return {
        "sessions": sessions,
        "tokens": writers,
        "targets": targets,
        "borough": bench_borough().slug,
        "boroughs": boroughs,
        "last_update_id": StatusUpdate.objects.aggregate(last=Max("pk"))["last"] or 0,
    }


def check(params):
    """Every accepted update is in the history with its version; no refused one left a row."""
    ledger = json.loads(Path(params["ledger"]).read_text())
    accepted = {entry["token"]: entry for entry in ledger["accepted"]}
    refused = {entry["token"]: entry for entry in ledger["refused"]}
    unknown = {entry["token"] for entry in ledger.get("unknown", [])}
    rows = StatusUpdate.objects.filter(pk__gt=ledger["last_update_id"]).values_list(
        "action_id", "version", "commentary", "to_rag"
    )
    written = {}
    for action_id, version, commentary, to_rag in rows:
        match = TOKEN.search(commentary)
        if match:
            written[match["token"]] = (action_id, version, to_rag)
    missing = [
        token
        for token, entry in accepted.items()
        if written.get(token, (None, None, None))[:2] != (entry["action"], entry["version"])
    ]
    refused_written = [token for token in refused if token in written]
    stray = [
        token for token in written if token not in accepted and token not in refused and token not in unknown
    ]
    # Each touched action's current state is its latest history row.
    touched = {entry["action"] for entry in ledger["accepted"]}
    inconsistent = []
    for action in Action.objects.filter(pk__in=touched):
        latest = StatusUpdate.objects.filter(action=action).order_by("-version").first()
        if latest.version != action.version or latest.to_rag != action.rag:
            inconsistent.append(action.pk)
    return {
        "accepted": len(accepted),
        "refused": len(refused),
        "rows_written": len(written),
        "missing_accepted": len(missing),
        "refused_with_row": len(refused_written),
        "stray_rows": len(stray),
        "inconsistent_actions": inconsistent,
        "lost_updates": len(missing) + len(refused_written),
    }
