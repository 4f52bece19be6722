from django.db import models


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Percent of respondents"
    COUNT = "count", "Count"
    QUALITATIVE = "qualitative", "Qualitative (no figure)"
