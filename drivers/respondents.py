"""A SYNTHETIC respondent-level survey sample with known true driver weights.

Real Public Attitude Survey microdata are not public. To show and test the key-driver analysis
(``drivers.analysis``), this module makes up respondents — every row says ``data_label =
synthetic`` — whose answer to "the police do a good job in the local area" depends on their
agreement with one question per MPS confidence driver through a logistic model with the
weights in ``DRIVER_QUESTIONS``. The analysis must recover those weights (tests check the order
exactly and the sizes within a tolerance). Nothing here is a survey figure.

How a respondent is made (all from one seeded NumPy generator, so a seed gives the same file):
1. a borough (uniform over the 32 Met boroughs), a quarter, an age band, sex and ethnicity;
2. latent views on the seven driver questions, standard normal with correlation 0.35 between
   any two (people who think well of the police on one thing tend to on others);
3. each latent view cut into a five-point agreement answer (1 strongly disagree … 5 strongly
   agree) at fixed thresholds;
4. the answers standardised over the sample; log-odds of "good job" = intercept + Σ weight ×
   standardised answer + small demographic and borough effects; the outcome drawn from that.
So the true weights are the logistic coefficients of the *standardised* answers.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# (driver slug = CSV column, question asked, true weight on the standardised answer)
DRIVER_QUESTIONS = [
    ("effectiveness", "The police can be relied on to be there when needed", 1.00),
    ("engagement-fair-treatment", "The police listen to local concerns and treat everyone fairly", 0.80),
    ("personal-security", "I feel safe walking alone in this area after dark", 0.58),
    ("community-cohesion", "People in this area pull together to improve it", 0.40),
    ("information-provision", "I feel well informed about what the local police are doing", 0.26),
    ("patrol-visibility", "I see police officers on foot patrol in this area", 0.15),
    ("accountability", "The police are held to account when things go wrong", 0.06),
]
TRUE_WEIGHTS = {slug: weight for slug, _, weight in DRIVER_QUESTIONS}
QUESTION_TEXT = {slug: text for slug, text, _ in DRIVER_QUESTIONS}
OUTCOME = "good_job_local"
LABEL_COLUMN = "data_label"
SYNTHETIC_LABEL = "synthetic"

AGE_BANDS = [("16-24", 0.12, 0.25), ("25-34", 0.20, 0.05), ("35-44", 0.18, 0.0), ("45-54", 0.17, -0.05),
             ("55-64", 0.14, -0.05), ("65+", 0.19, 0.10)]  # fmt: skip
SEXES = [("Female", 0.51, 0.05), ("Male", 0.49, 0.0)]
ETHNICITIES = [("White", 0.54, 0.0), ("Asian", 0.21, 0.10), ("Black", 0.13, -0.25), ("Mixed", 0.06, -0.10),
               ("Other", 0.06, 0.05)]  # fmt: skip
PERIODS = ["2022-06-30", "2022-09-30", "2022-12-31", "2023-03-31"]
CORRELATION = 0.35
THRESHOLDS = [-1.5, -0.6, 0.3, 1.2]
INTERCEPT = 0.25
BOROUGH_EFFECT_SD = 0.12

BOROUGHS_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "london_boroughs.csv"


def met_boroughs():
    """The 32 Met boroughs' names (reference list in fixtures/)."""
    with open(BOROUGHS_CSV, encoding="utf-8", newline="") as handle:
        return [
            r["borough"] for r in csv.DictReader(handle) if r["in_met_police_district"] == "True" and r["bcu"]
        ]


@dataclass(frozen=True)
class SyntheticSample:
    frame: pd.DataFrame
    seed: int
    true_weights: dict


def make_respondents(*, n, seed, boroughs=None):
    """A DataFrame of ``n`` synthetic respondents (deterministic for ``seed``)."""
    if n < 1:
        raise ValueError("n must be at least 1.")
    rng = np.random.default_rng(seed)
    boroughs = boroughs or met_boroughs()
    k = len(DRIVER_QUESTIONS)
    borough_idx = rng.integers(0, len(boroughs), size=n)
    borough_effect = rng.normal(0, BOROUGH_EFFECT_SD, size=len(boroughs))
    age = _draw(rng, AGE_BANDS, n)
    sex = _draw(rng, SEXES, n)
    ethnicity = _draw(rng, ETHNICITIES, n)
    period = rng.integers(0, len(PERIODS), size=n)

    corr = np.full((k, k), CORRELATION)
    np.fill_diagonal(corr, 1.0)
    latent = rng.standard_normal((n, k)) @ np.linalg.cholesky(corr).T
    answers = np.digitize(latent, THRESHOLDS) + 1  # 1..5
    sd = answers.std(axis=0)
    sd[sd == 0] = 1.0
    standardised = (answers - answers.mean(axis=0)) / sd
    weights = np.array([w for _, _, w in DRIVER_QUESTIONS])
    log_odds = (
        INTERCEPT
        + standardised @ weights
        + _effects(AGE_BANDS, age)
        + _effects(SEXES, sex)
        + _effects(ETHNICITIES, ethnicity)
        + borough_effect[borough_idx]
    )
    outcome = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(int)

    frame = pd.DataFrame(
        {
            "respondent": np.arange(1, n + 1),
            LABEL_COLUMN: SYNTHETIC_LABEL,
            "borough": np.array(boroughs, dtype=object)[borough_idx],
            "period": np.array(PERIODS, dtype=object)[period],
            "age_band": np.array([a for a, _, _ in AGE_BANDS], dtype=object)[age],
            "sex": np.array([s for s, _, _ in SEXES], dtype=object)[sex],
            "ethnicity": np.array([e for e, _, _ in ETHNICITIES], dtype=object)[ethnicity],
        }
    )
    for j, (slug, _, _) in enumerate(DRIVER_QUESTIONS):
        frame[slug] = answers[:, j]
    frame[OUTCOME] = outcome
    return SyntheticSample(frame=frame, seed=seed, true_weights=dict(TRUE_WEIGHTS))


def _draw(rng, table, n):
    shares = np.array([p for _, p, _ in table])
    return rng.choice(len(table), size=n, p=shares / shares.sum())


def _effects(table, idx):
    return np.array([e for _, _, e in table])[idx]


def write_respondents(sample, path):
    """Write the sample as CSV (UTF-8); every row carries data_label = synthetic."""
    sample.frame.to_csv(path, index=False)
    return len(sample.frame)
