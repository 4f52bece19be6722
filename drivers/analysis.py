"""Key-driver analysis: how much each driver of confidence matters, from respondent-level data.

Method (stated on the page as well):
- Outcome: agreeing that the police do a good job in the local area (1) or not (0).
- Predictors: the answer to one agreement question per driver (1–5), each standardised to mean 0
  and standard deviation 1 over the sample analysed; controls: age band, sex and ethnicity (and,
  for the London-wide model, borough and period) as indicator columns against a reference level.
- Model: logistic regression fitted by maximum likelihood with Newton–Raphson (iteratively
  reweighted least squares) in NumPy. Standard errors from the inverse of the Hessian (observed
  information) at the optimum; 95% Wald intervals for each coefficient (β ± 1.96 SE).
- Relative importance of a driver = |standardised coefficient| / Σ |standardised coefficients|
  (the share of the drivers' combined effect on the log-odds of a one-standard-deviation change
  in each answer). Its 95% interval comes from 4,000 draws of the coefficients from their
  estimated sampling distribution (multivariate normal with the inverse-Hessian covariance:
  Krinsky–Robb simulation), percentiles 2.5 and 97.5, with a fixed seed.
- A borough is analysed on its own only when it has at least ``MIN_BOROUGH_N`` respondents and
  at least ``MIN_EVENTS_PER_PARAMETER`` of the rarer outcome per parameter fitted.

Pure pandas and NumPy; no statistics package is needed.
"""

import functools
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .respondents import DRIVER_QUESTIONS, LABEL_COLUMN, OUTCOME, SYNTHETIC_LABEL, make_respondents

DRIVER_COLUMNS = [slug for slug, _, _ in DRIVER_QUESTIONS]
CONTROL_COLUMNS = ["age_band", "sex", "ethnicity"]
MIN_BOROUGH_N = 400
MIN_EVENTS_PER_PARAMETER = 10
MAX_RESPONDENTS = 200_000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIMULATIONS = 4000
Z95 = 1.959963984540054
SHIPPED_N = 24_000
SHIPPED_SEED = 20240331
AGREE_WORDS = {"strongly agree": 5, "tend to agree": 4, "agree": 4, "neither agree nor disagree": 3,
               "neither": 3, "tend to disagree": 2, "disagree": 2, "strongly disagree": 1}  # fmt: skip
YES_WORDS = {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "agree": 1, "disagree": 0,
             "strongly agree": 1, "tend to agree": 1, "neither agree nor disagree": 0, "tend to disagree": 0,
             "strongly disagree": 0, "good job": 1}  # fmt: skip


class AnalysisError(ValueError):
    """The data cannot be analysed; the message says why."""


@dataclass(frozen=True)
class Importance:
    slug: str
    coefficient: float
    se: float
    low: float  # 95% Wald interval of the coefficient
    high: float
    share: float
    share_low: float
    share_high: float
    rank: int = 0


@dataclass
class Fit:
    """One model: overall or one borough."""

    label: str
    n: int
    events: int
    items: list  # of Importance, largest share first
    iterations: int
    pseudo_r2: float
    controls: list = field(default_factory=list)

    @property
    def rate(self):
        return self.events / self.n if self.n else 0.0


@dataclass
class KeyDriverAnalysis:
    overall: Fit
    boroughs: list  # of Fit, by name
    too_small: list  # [(borough, n)] not analysed on their own
    dropped: int  # rows without a complete answer set
    drivers: list  # driver columns analysed
    synthetic: bool
    label: str

    def borough(self, name):
        return next((f for f in self.boroughs if f.label == name), None)


# --- the model ---


def fit_logistic(X, y, *, max_iter=100, tol=1e-10):
    """Maximum-likelihood logistic regression by Newton–Raphson.

    Returns (beta, covariance, iterations, log-likelihood). Raises AnalysisError when the
    likelihood has no finite maximum (perfect separation) or the design is singular.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    beta = np.zeros(X.shape[1])
    iterations = 0
    for _ in range(max_iter):
        iterations += 1
        eta = np.clip(X @ beta, -35, 35)
        p = 1.0 / (1.0 + np.exp(-eta))
        w = p * (1 - p)
        hessian = X.T @ (X * w[:, None])
        gradient = X.T @ (y - p)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            raise AnalysisError("The answers are collinear: some columns repeat others.") from None
        beta = beta + step
        if np.max(np.abs(beta)) > 30:
            raise AnalysisError(
                "The outcome is perfectly predicted by some answers: the model cannot be fitted."
            )
        if np.max(np.abs(step)) < tol:
            break
    else:
        raise AnalysisError(f"The model did not converge in {max_iter} iterations.")
    eta = X @ beta
    p = 1.0 / (1.0 + np.exp(-eta))
    hessian = X.T @ (X * (p * (1 - p))[:, None])
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        raise AnalysisError("The answers are collinear: some columns repeat others.") from None
    loglik = float(np.sum(y * np.log(p + 1e-300) + (1 - y) * np.log(1 - p + 1e-300)))
    return beta, covariance, iterations, loglik


def _design(frame, drivers, controls):
    """Standardised driver answers, an intercept, and indicator columns for the controls."""
    parts = [pd.Series(1.0, index=frame.index, name="intercept")]
    for slug in drivers:
        col = frame[slug].astype(float)
        sd = col.std(ddof=0)
        if not sd > 0:
            raise AnalysisError(f"Everyone gave the same answer to '{slug}': it cannot be analysed.")
        parts.append(((col - col.mean()) / sd).rename(slug))
    for control in controls:
        levels = sorted(frame[control].astype(str).unique())
        for level in levels[1:]:
            parts.append((frame[control].astype(str) == level).astype(float).rename(f"{control}={level}"))
    return pd.concat(parts, axis=1)


def fit_drivers(frame, *, drivers, controls, label, seed=0):
    """Fit one model and turn its coefficients into importance shares with intervals."""
    controls = [c for c in controls if c in frame.columns and frame[c].nunique() > 1]
    X = _design(frame, drivers, controls)
    y = frame[OUTCOME].to_numpy(dtype=float)
    beta, cov, iterations, loglik = fit_logistic(X.to_numpy(), y)
    rate = y.mean()
    null_loglik = len(y) * (rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    idx = [X.columns.get_loc(slug) for slug in drivers]
    b = beta[idx]
    se = np.sqrt(np.diag(cov)[idx])
    shares = np.abs(b) / np.abs(b).sum()
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(b, cov[np.ix_(idx, idx)], size=SIMULATIONS, method="cholesky")
    draw_shares = np.abs(draws) / np.abs(draws).sum(axis=1, keepdims=True)
    lows, highs = np.percentile(draw_shares, [2.5, 97.5], axis=0)
    items = [
        Importance(
            slug=slug,
            coefficient=float(b[j]),
            se=float(se[j]),
            low=float(b[j] - Z95 * se[j]),
            high=float(b[j] + Z95 * se[j]),
            share=float(shares[j]),
            share_low=float(lows[j]),
            share_high=float(highs[j]),
        )
        for j, slug in enumerate(drivers)
    ]
    items.sort(key=lambda item: -item.share)
    items = [Importance(**{**item.__dict__, "rank": r}) for r, item in enumerate(items, start=1)]
    return Fit(
        label=label,
        n=len(y),
        events=int(y.sum()),
        items=items,
        iterations=iterations,
        pseudo_r2=float(1 - loglik / null_loglik) if null_loglik else 0.0,
        controls=controls,
    )


# --- reading respondent data ---


def read_respondents_csv(data, *, name="respondents.csv"):
    """Parse an uploaded respondent CSV (bytes) into a clean DataFrame, or raise AnalysisError."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise AnalysisError(f"'{name}' is larger than {MAX_UPLOAD_BYTES // 1048576} MB.")
    if data[:4] == b"PK\x03\x04":
        raise AnalysisError(f"'{name}' is a workbook or zip file: upload the respondents as CSV.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysisError(f"'{name}' is not UTF-8 text: save it as 'CSV UTF-8'.") from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, nrows=MAX_RESPONDENTS + 1, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise AnalysisError(f"'{name}' is not a readable CSV file ({exc}).") from None
    if len(frame) > MAX_RESPONDENTS:
        raise AnalysisError(f"'{name}' has more than {MAX_RESPONDENTS:,} respondents.")
    return prepare(frame)


def prepare(frame):
    """Check columns and code the answers: returns (clean frame, rows dropped, driver columns)."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower().replace(" ", "_"))
    rename = {c: c.replace("_", "-") for c in frame.columns if c.replace("_", "-") in DRIVER_COLUMNS}
    frame = frame.rename(columns=rename)
    missing = [c for c in ("borough", OUTCOME) if c not in frame.columns]
    if missing:
        raise AnalysisError(f"Missing column(s): {', '.join(missing)}. Expected: {expected_columns()}.")
    drivers = [c for c in DRIVER_COLUMNS if c in frame.columns]
    if len(drivers) < 2:
        raise AnalysisError(f"At least two driver questions are needed. Expected: {expected_columns()}.")
    out = pd.DataFrame(index=frame.index)
    out["borough"] = frame["borough"].astype(str).str.strip()
    for column in ("period", *CONTROL_COLUMNS, LABEL_COLUMN):
        if column in frame.columns:
            out[column] = frame[column].astype(str).str.strip()
    for slug in drivers:
        out[slug] = frame[slug].map(_likert)
    out[OUTCOME] = frame[OUTCOME].map(_yes_no)
    complete = out[[*drivers, OUTCOME]].notna().all(axis=1) & (out["borough"] != "")
    dropped = int((~complete).sum())
    out = out[complete].copy()
    for slug in drivers:
        out[slug] = out[slug].astype(float)
    out[OUTCOME] = out[OUTCOME].astype(int)
    return out, dropped, drivers


def expected_columns():
    return (
        "borough, period, age_band, sex, ethnicity, one column per driver question ("
        + ", ".join(DRIVER_COLUMNS)
        + ") answered 1–5 or in words (strongly disagree … strongly agree), "
        + "and good_job_local (1/0 or yes/no)"
    )


def _likert(value):
    text = " ".join(str(value).split()).lower()
    if text in AGREE_WORDS:
        return AGREE_WORDS[text]
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number in (1, 2, 3, 4, 5) else None


def _yes_no(value):
    return YES_WORDS.get(" ".join(str(value).split()).lower())


# --- the analysis ---


def analyse(frame, *, drivers=None, dropped=0, label="uploaded respondents"):
    """Overall model and one per borough where the sample allows."""
    drivers = drivers or [c for c in DRIVER_COLUMNS if c in frame.columns]
    if len(frame) < 50:
        raise AnalysisError(f"Only {len(frame)} complete responses: at least 50 are needed.")
    events = int(frame[OUTCOME].sum())
    if events == 0 or events == len(frame):
        raise AnalysisError("Every respondent gave the same answer on 'good job local': nothing to explain.")
    synthetic = LABEL_COLUMN in frame.columns and bool(
        (frame[LABEL_COLUMN].str.lower() == SYNTHETIC_LABEL).any()
    )
    overall_controls = [*CONTROL_COLUMNS, "borough", "period"]
    overall = fit_drivers(frame, drivers=drivers, controls=overall_controls, label="London (all respondents)")
    fits, too_small = [], []
    for name, group in sorted(frame.groupby("borough"), key=lambda item: item[0]):
        if not _enough(group, drivers):
            too_small.append((name, len(group)))
            continue
        try:
            fits.append(fit_drivers(group, drivers=drivers, controls=CONTROL_COLUMNS, label=name))
        except AnalysisError:
            too_small.append((name, len(group)))
    return KeyDriverAnalysis(
        overall=overall,
        boroughs=fits,
        too_small=too_small,
        dropped=dropped,
        drivers=list(drivers),
        synthetic=synthetic,
        label=label,
    )


def _enough(group, drivers):
    if len(group) < MIN_BOROUGH_N:
        return False
    parameters = 1 + len(drivers) + sum(max(group[c].nunique() - 1, 0) for c in CONTROL_COLUMNS if c in group)
    rarer = min(int(group[OUTCOME].sum()), len(group) - int(group[OUTCOME].sum()))
    return rarer >= MIN_EVENTS_PER_PARAMETER * parameters


@functools.lru_cache(maxsize=1)
def shipped_analysis():
    """The analysis of the shipped SYNTHETIC sample (deterministic; computed once per process)."""
    sample = make_respondents(n=SHIPPED_N, seed=SHIPPED_SEED)
    frame, dropped, drivers = prepare(sample.frame.astype(str))
    return analyse(
        frame,
        drivers=drivers,
        dropped=dropped,
        label=f"Synthetic sample ({SHIPPED_N:,} made-up respondents, seed {SHIPPED_SEED})",
    )
