"""Dates the British way, for every form of the pages and the admin (``FORMAT_MODULE_PATH``).

Shown as "31 Mar 2024" (``DATE_FORMAT``) or "31/03/2024" (``SHORT_DATE_FORMAT``, and in the
admin's date boxes, the first input format); entered as 31/03/2024, 31/3/24, 31 Mar 2024,
31 March 2024 or 2024-03-31 (what a browser's date picker sends). Django's English (UK) formats
otherwise; a date is never read month first.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403 — Django's en-GB formats, then ours

DATE_FORMAT = "j M Y"  # 31 Mar 2024
SHORT_DATE_FORMAT = "d/m/Y"  # 31/03/2024
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 31/03/2024: the first is the one the admin's date boxes show
    "%d/%m/%y",  # 31/03/24
    "%d %b %Y",  # 31 Mar 2024
    "%d %B %Y",  # 31 March 2024
    "%Y-%m-%d",  # 2024-03-31: what a browser's date picker sends
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
