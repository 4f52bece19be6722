from .editing import PlanChange
from .geography import BCU, Borough, Membership
from .notifications import Notification, NotificationKind, NotificationSetting
from .outcomes import MeasureReading, Target
from .plan import Action, Milestone, Objective, Owner, Pillar, Plan, Theme
from .publishing import Publication, PublicLine, PublicNote
from .returns import QuarterlyReturn, ReminderLog, ReturnEvent, ReturnLine
from .snapshots import BoroughStamp, QuarterEndSnapshot, QuarterEndStatus
from .status import Challenge, ChallengeReply, StatusUpdate
from .tokens import ApiToken, TokenScope

__all__ = [
    "BCU",
    "Action",
    "ApiToken",
    "Borough",
    "BoroughStamp",
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
    "QuarterEndSnapshot",
    "QuarterEndStatus",
    "QuarterlyReturn",
    "ReminderLog",
    "ReturnEvent",
    "ReturnLine",
    "Plan",
    "PlanChange",
    "Publication",
    "PublicLine",
    "PublicNote",
    "StatusUpdate",
    "Target",
    "Theme",
    "TokenScope",
]
