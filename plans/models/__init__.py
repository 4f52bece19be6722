from .cycle import QuarterlyReturn, ReminderLog, ReturnEvent, ReturnLine
from .geography import BCU, Borough, Membership
from .notifications import Notification, NotificationKind, NotificationSetting
from .outcomes import MeasureReading, Target
from .plan import Action, Milestone, Objective, Owner, Pillar, Plan, Theme
from .status import Challenge, ChallengeReply, StatusUpdate

__all__ = [
    "BCU",
    "Action",
    "Borough",
    "Challenge",
    "ChallengeReply",
    "MeasureReading",
    "Membership",
    "Notification",
    "NotificationKind",
    "NotificationSetting",
    "Milestone",
    "Objective",
    "Owner",
    "Pillar",
    "QuarterlyReturn",
    "ReminderLog",
    "ReturnEvent",
    "ReturnLine",
    "Plan",
    "StatusUpdate",
    "Target",
    "Theme",
]
