"""Financial-year quarters as MOPAC labels them: Q1 = April–June, "Q3 2023-24"."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Quarter:
    fy_start_year: int
    quarter: int

    @classmethod
    def containing(cls, day):
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def last_ended(cls, today):
        """The most recent quarter whose last day is before ``today``."""
        return cls.containing(today).previous()

    @property
    def start(self):
        month = 4 + 3 * (self.quarter - 1)
        year = self.fy_start_year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self):
        return self.next().start - dt.timedelta(days=1)

    def next(self):
        return (
            Quarter(self.fy_start_year + 1, 1)
            if self.quarter == 4
            else Quarter(self.fy_start_year, self.quarter + 1)
        )

    def previous(self):
        return (
            Quarter(self.fy_start_year - 1, 4)
            if self.quarter == 1
            else Quarter(self.fy_start_year, self.quarter - 1)
        )

    @property
    def label(self):
        return f"Q{self.quarter} {self.fy_start_year}-{(self.fy_start_year + 1) % 100:02d}"

    def __str__(self):
        return self.label
