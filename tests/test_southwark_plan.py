"""The real Southwark plan, loaded from its published text."""

from collections import Counter

import pytest

from plans.choices import RAG
from plans.models import Action, Objective, Owner
from plans.owners import parse_owners

pytestmark = pytest.mark.django_db


def southwark_actions():
    return Action.objects.filter(objective__plan__slug="southwark-trust-and-confidence-plan")


def test_all_61_actions_with_the_published_rag_counts(world):
    counts = Counter(southwark_actions().values_list("rag", flat=True))
    assert sum(counts.values()) == 61
    assert counts == {RAG.GREEN: 39, RAG.AMBER: 17, RAG.RED: 4, RAG.NOT_RATED: 1}


def test_actions_sit_under_the_right_pillar_and_objective(world):
    per_pillar = Counter(southwark_actions().values_list("objective__pillar__name", flat=True))
    assert per_pillar == {"More Trust": 29, "Less Crime": 16, "Higher Standards": 16}
    objectives = Objective.objects.filter(plan__slug="southwark-trust-and-confidence-plan")
    assert objectives.count() == 10
    sizes = {(o.pillar.name, o.number): o.actions.count() for o in objectives.select_related("pillar")}
    assert sizes == {
        ("More Trust", 1): 16,
        ("More Trust", 2): 5,
        ("More Trust", 3): 2,
        ("More Trust", 4): 6,
        ("Less Crime", 1): 3,
        ("Less Crime", 2): 5,
        ("Less Crime", 3): 8,
        ("Higher Standards", 1): 6,
        ("Higher Standards", 2): 6,
        ("Higher Standards", 3): 4,
    }
    red = southwark_actions().get(text__startswith="Reconstitute of a town centre team")
    assert (red.objective.pillar.name, red.objective.number, red.rag) == ("Less Crime", 1, RAG.RED)


def test_action_split_over_a_page_break_is_one_action(world):
    action = southwark_actions().get(text__startswith="Do it right the first time")
    assert action.text.endswith("with as this does a disservice to the staff member and their team")
    assert not southwark_actions().filter(text__startswith="with as this").exists()
    assert action.rag == RAG.AMBER


def test_mixed_case_rag_words_are_normalised(world):
    assert (
        southwark_actions().get(text__startswith="Be transparent about critical incidents").rag == RAG.GREEN
    )
    assert southwark_actions().get(text__startswith="Supervisors to have a manageable").rag == RAG.RED
    unrated = southwark_actions().get(rag=RAG.NOT_RATED)
    assert unrated.text == "Effective delivery of London Race Action Plan"


def test_two_owners_in_one_cell_become_two_owner_rows(world):
    action = southwark_actions().get(text="Quarterly ward panel meetings")
    assert sorted(o.label for o in action.owners.all()) == ["CI Barnes", "Supt Brockway"]


def test_spellings_of_one_person_are_one_owner(world):
    owners = Owner.objects.filter(borough__slug="southwark", name="Adjei-Addoh")
    assert owners.count() == 1
    owner = owners.get()
    assert owner.rank == "Chief Supt"
    assert owner.actions.count() == 11  # every "Chief Supt"/"Chief Sup" Adjei-Addoh row
    kent = Owner.objects.get(borough__slug="southwark", key="ci:kent")
    assert kent.label == "CI Mark Kent" and kent.actions.count() == 2


def test_every_action_has_an_owner_and_at_least_one_confidence_driver(world):
    for action in southwark_actions().prefetch_related("owners", "drivers__framework"):
        assert action.owners.exists(), action.text
        assert any(d.framework.slug == "mps-confidence-model" for d in action.drivers.all()), action.text


def test_every_action_starts_with_its_published_status_in_the_history(world):
    for action in southwark_actions():
        first = action.updates.get()
        assert (first.to_rag, first.version, action.version) == (action.rag, 1, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Supt Brockway and Chief Inspector Barnes", [("Supt", "Brockway"), ("CI", "Barnes")]),
        ("Chief Sup Adjei-Addoh", [("Chief Supt", "Adjei-Addoh")]),
        ("Chief Supt Adjei-Addoh (Comms Team)", [("Chief Supt", "Adjei-Addoh")]),
        ("PS Nigel Pearce (Trust, Confidence and Engagement Team)", [("PS", "Nigel Pearce")]),
        ("A/DI Denise Rutter", [("A/DI", "Denise Rutter")]),
        ("Professional Standards Unit and all strand leads.", [("", ""), ("", "")]),
    ],
)
def test_owner_cells_are_parsed_into_people_and_teams(cell, expected):
    assert [(o.rank, o.name) for o in parse_owners(cell)] == expected


def test_team_and_rank_spellings_share_a_key():
    assert parse_owners("PS Nigel Pearce TCET")[0].key == parse_owners("PS Nigel Pearce (TCET)")[0].key
    assert parse_owners("PS Nigel Pearce TCET")[0].team == "TCET"
    assert parse_owners("Strand leads")[0].key == parse_owners("All strand leads")[0].key
    assert parse_owners("Aaron Barnes")[0].key != parse_owners("CI Barnes")[0].key
