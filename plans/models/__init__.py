from .cycle import QuarterlyReturn, ReminderLog, ReturnEvent, ReturnLine
from .geography import BCU, Borough, Membership
from .outcomes import MeasureReading, Target
from .plan import Action, Milestone, Objective, Owner, Pillar, Plan, Theme
from .publishing import Publication, PublicLine, PublicNote
from .status import Challenge, ChallengeReply, StatusUpdate

__all__ = [
    "BCU",
    "Action",
    "Borough",
    "Challenge",
    "ChallengeReply",
    "MeasureReading",
    "Membership",
    "Milestone",
    "Objective",
    "Owner",
    "Pillar",
    "QuarterlyReturn",
    "ReminderLog",
    "ReturnEvent",
    "ReturnLine",
    "Plan",
    "Publication",
    "PublicLine",
    "PublicNote",
    "StatusUpdate",
    "Target",
    "Theme",
]
