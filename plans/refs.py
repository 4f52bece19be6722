"""Short references for objectives and actions, unique within a plan: the pillar's initial, the
objective's number and the action's position ("M1", "M1.3"), as the dashboard charts label them.

Objective numbers restart in each pillar (More Trust 1, Less Crime 1, …), so "1.1" alone names
three actions; the pillar's initial tells them apart. Objectives without a pillar (the force-wide
plan's themes) keep their plain number.
"""


def objective_ref(objective):
    """``"M1"`` for objective 1 of More Trust; ``"1"`` for an objective without a pillar.
    Reads ``objective.pillar`` (select_related it in lists)."""
    pillar = objective.pillar
    return f"{pillar.name[:1] if pillar else ''}{objective.number}"


def action_ref(action):
    """``"M1.3"``: the objective's reference and the action's position within it.
    Reads ``action.objective.pillar`` (select_related it in lists)."""
    return f"{objective_ref(action.objective)}.{action.position}"
