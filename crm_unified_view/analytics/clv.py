"""Customer lifetime value: BG/NBD purchase counts, Gamma-Gamma spend, customer net present value.

BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers" the easy way.
Gamma-Gamma: Fader & Hardie (2013), The Gamma-Gamma model of monetary value.
Both are fitted by maximum likelihood on log-parameters with vectorised likelihoods and
analytic gradients. Inputs are in the standard form: frequency = repeat purchase occasions,
recency = time from first to last occasion (t_x), T = time from first occasion to the end of
the observation, all in one time unit.
"""
import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1

TIME_UNITS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
DAYS_PER_MONTH = 365.25 / 12
# Fewer repeat buyers than this cannot pin down four (or three) parameters.
MIN_REPEAT_CUSTOMERS = 10
MAX_HORIZON_MONTHS = 600
# Log-parameters stay in [-LOG_BOUND, LOG_BOUND]: wide for any time unit, finite for the optimiser.
LOG_BOUND = 15.0


def _unit_days(time_unit):
    if time_unit not in TIME_UNITS:
        raise ValueError("Unknown time unit %r: use one of %s." % (time_unit, ", ".join(TIME_UNITS)))
    return TIME_UNITS[time_unit]


def summary_from_rfm(table, time_unit="week"):
    """Model input of the customers with at least one purchase occasion.

    :param table: output of :func:`rfm.rfm_table` (frequency, recency_days, T, repeat_mean).
    :return: DataFrame on the buyers' partner_id with frequency (repeat occasions, int),
        recency (t_x), T (in ``time_unit``) and monetary_value (mean amount of the repeat
        occasions, 0 without repeats).
    """
    unit = _unit_days(time_unit)
    buyers = table[table["frequency"] > 0]
    return pd.DataFrame({
        "frequency": buyers["frequency"].to_numpy() - 1,
        "recency": (buyers["T"] - buyers["recency_days"]).to_numpy(dtype=np.float64) / unit,
        "T": buyers["T"].to_numpy(dtype=np.float64) / unit,
        "monetary_value": buyers["repeat_mean"].to_numpy(dtype=np.float64),
    }, index=buyers.index)


def _check_counts(frequency, recency, T):
    frequency, recency, T = (np.asarray(values, dtype=np.float64) for values in (frequency, recency, T))
    if not frequency.shape == recency.shape == T.shape or frequency.ndim != 1:
        raise ValueError("frequency, recency and T must be 1-d arrays of one length.")
    if not (np.isfinite(frequency).all() and np.isfinite(recency).all() and np.isfinite(T).all()):
        raise ValueError("frequency, recency and T must be finite numbers.")
    if (frequency < 0).any() or (frequency != np.round(frequency)).any():
        raise ValueError("frequency must count repeat purchase occasions (integers >= 0).")
    if (recency < 0).any() or (recency > T + 1e-9).any():
        raise ValueError("recency must lie between 0 and T (last purchase before the end of the period).")
    return frequency, recency, T


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------
def _bgnbd_data(x, t_x, T):
    """Terms that depend on x alone are computed once per distinct x, customers without repeat
    purchases once per distinct T: only repeat buyers cost one evaluation each."""
    values, counts = np.unique(x, return_counts=True)
    repeat = x > 0
    ages, age_counts = np.unique(T[~repeat], return_counts=True)
    return {"n": len(x), "x_values": values, "x_counts": counts, "ages": ages, "age_counts": age_counts,
            "x": x[repeat], "t_x": t_x[repeat], "T": T[repeat]}


def _bgnbd_terms(log_params, data):
    """BG/NBD log-likelihood (FHL 2005, eq. 6) and its gradient in the log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    values, counts = data["x_values"], data["x_counts"]
    log_alpha = np.log(alpha)
    # ln Gamma(r+x)/Gamma(r) alpha^r + ln B(a, b+x)/B(a, b), per distinct x
    ll = counts @ (gammaln(r + values) - gammaln(r) + r * log_alpha
                   + gammaln(a + b) + gammaln(b + values) - gammaln(b) - gammaln(a + b + values))
    d_r = counts @ (digamma(r + values) - digamma(r) + log_alpha)
    d_alpha = data["n"] * r / alpha
    d_a = counts @ (digamma(a + b) - digamma(a + b + values))
    d_b = d_a + counts @ (digamma(b + values) - digamma(b))

    log_age = np.log(alpha + data["ages"])
    ll -= r * (data["age_counts"] @ log_age)
    d_r -= data["age_counts"] @ log_age
    d_alpha -= r * (data["age_counts"] @ (1.0 / (alpha + data["ages"])))

    x, t_x, T = data["x"], data["t_x"], data["T"]
    log_alpha_t = np.log(alpha + T)
    log_alpha_tx = np.log(alpha + t_x)
    alive = -(r + x) * log_alpha_t
    dropped = np.log(a) - np.log(b + x - 1) - (r + x) * log_alpha_tx
    ll += np.logaddexp(alive, dropped).sum()
    # w: posterior weight of "dropped out right after the last purchase"
    w = expit(dropped - alive)
    d_r -= (log_alpha_t + w * (log_alpha_tx - log_alpha_t)).sum()
    d_alpha -= ((r + x) * ((1 - w) / (alpha + T) + w / (alpha + t_x))).sum()
    d_a += w.sum() / a
    d_b -= (w / (b + x - 1)).sum()
    return ll, np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def bgnbd_log_likelihood(params, frequency, recency, T):
    """Total BG/NBD log-likelihood of ``params`` {r, alpha, a, b} on the data."""
    data = _bgnbd_data(*_check_counts(frequency, recency, T))
    log_params = np.log([params["r"], params["alpha"], params["a"], params["b"]])
    return float(_bgnbd_terms(log_params, data)[0])


def _maximise(terms, start, data):
    def objective(log_params):
        ll, gradient = terms(log_params, data)
        return -ll / data["n"], -gradient / data["n"]

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = minimize(objective, np.asarray(start, dtype=np.float64), jac=True, method="L-BFGS-B",
                      bounds=bounds, options={"maxiter": 1000, "ftol": 1e-11, "gtol": 1e-8})
    if not np.isfinite(result.fun) or not np.isfinite(result.x).all():
        raise ValueError("The maximum-likelihood fit did not converge: %s" % result.message)
    return np.exp(result.x)


def fit_bgnbd(frequency, recency, T):
    """Maximum-likelihood BG/NBD parameters.

    :return: {"r", "alpha", "a", "b"} as floats, in the time unit of recency and T.
    :raise ValueError: invalid input, or fewer than MIN_REPEAT_CUSTOMERS repeat buyers.
    """
    x, t_x, T = _check_counts(frequency, recency, T)
    repeaters = int((x > 0).sum())
    if repeaters < MIN_REPEAT_CUSTOMERS:
        raise ValueError("The purchase model needs at least %d customers who bought more than once; "
                         "there are %d." % (MIN_REPEAT_CUSTOMERS, repeaters))
    # alpha scales with the time unit: start it at the mean age so any unit converges alike.
    start = np.log([1.0, max(T.mean(), 1e-3), 1.0, 1.0])
    r, alpha, a, b = _maximise(_bgnbd_terms, start, _bgnbd_data(x, t_x, T))
    return {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}


def probability_alive(params, frequency, recency, T):
    """P(still active | x, t_x, T) under BG/NBD; 1 for customers without repeat purchases."""
    x, t_x, T = _check_counts(frequency, recency, T)
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    repeat = x > 0
    log_odds = (np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    return np.where(repeat, expit(-log_odds), 1.0)


def _expected_if_alive(params, x, T, t):
    """E[purchases in (T, T + t] | alive, x, T] (FHL 2005, eq. 10 without the P(alive) factor)."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    # a = 1 is a removable singularity of this closed form: step just beside it.
    a = a if abs(a - 1.0) > 1e-9 else 1.0 + 1e-9
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    tail = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return head * (1.0 - tail)


def _distinct_pairs(x, T):
    """Distinct (x, T) pairs and each customer's pair number.

    E[Y(t) | alive] depends on (x, T) only, and customers share few pairs (x is small, T counts
    whole days): evaluating hyp2f1 once per pair instead of once per customer keeps a million
    customers fast.

    :return: (pair_x, pair_T, codes), with pair_x[codes] == x and pair_T[codes] == T.
    """
    pairs = pd.DataFrame({"x": x, "T": T}).groupby(["x", "T"], sort=True)
    keys = pairs.size().index
    return (keys.get_level_values(0).to_numpy(dtype=np.float64), keys.get_level_values(1).to_numpy(dtype=np.float64),
            pairs.ngroup().to_numpy())


def expected_purchases(params, t, frequency, recency, T):
    """Conditional expected number of purchase occasions in the next ``t`` time units."""
    x, t_x, T = _check_counts(frequency, recency, T)
    if not t >= 0:
        raise ValueError("The prediction horizon must be >= 0, not %r." % t)
    return probability_alive(params, x, t_x, T) * _expected_if_alive(params, x, T, float(t))


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------
def _gamma_gamma_data(x, m):
    values, counts = np.unique(x, return_counts=True)
    log_m = np.log(m)
    return {"n": len(x), "x_values": values, "x_counts": counts, "x": x, "m": m,
            "sum_log_m": log_m.sum(), "sum_x_log_m": x @ log_m, "sum_x_log_x": x @ np.log(x)}


def _gamma_gamma_terms(log_params, data):
    """Gamma-Gamma log-likelihood of the mean spends (Fader & Hardie 2013) and its gradient."""
    p, q, gamma = np.exp(log_params)
    n, values, counts, x, m = data["n"], data["x_values"], data["x_counts"], data["x"], data["m"]
    log_total = np.log(gamma + x * m)
    ll = (counts @ (gammaln(p * values + q) - gammaln(p * values)) - n * gammaln(q) + n * q * np.log(gamma)
          + p * data["sum_x_log_m"] - data["sum_log_m"] + p * data["sum_x_log_x"] - (p * x + q) @ log_total)
    d_p = (counts @ (values * (digamma(p * values + q) - digamma(p * values)))
           + data["sum_x_log_m"] + data["sum_x_log_x"] - x @ log_total)
    d_q = counts @ digamma(p * values + q) - n * digamma(q) + n * np.log(gamma) - log_total.sum()
    d_gamma = n * q / gamma - ((p * x + q) / (gamma + x * m)).sum()
    return ll, np.array([d_p * p, d_q * q, d_gamma * gamma])


def _check_spend(frequency, monetary_value):
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    if x.shape != m.shape or x.ndim != 1 or not (np.isfinite(x).all() and np.isfinite(m).all()):
        raise ValueError("frequency and monetary_value must be finite 1-d arrays of one length.")
    if (x < 0).any():
        raise ValueError("frequency must count repeat purchase occasions (integers >= 0).")
    return x, m


def gamma_gamma_log_likelihood(params, frequency, monetary_value):
    """Total Gamma-Gamma log-likelihood of ``params`` {p, q, gamma} over the repeat buyers who spent."""
    x, m = _check_spend(frequency, monetary_value)
    repeat = (x > 0) & (m > 0)
    log_params = np.log([params["p"], params["q"], params["gamma"]])
    return float(_gamma_gamma_terms(log_params, _gamma_gamma_data(x[repeat], m[repeat]))[0])


def fit_gamma_gamma(frequency, monetary_value):
    """Maximum-likelihood Gamma-Gamma parameters on the customers with repeat purchases.

    :param monetary_value: mean amount of each customer's repeat occasions; customers whose
        repeat occasions were free or refunded (mean <= 0) say nothing about spend and are
        left out of the fit.
    :return: {"p", "q", "gamma"} as floats (gamma in currency units).
    :raise ValueError: invalid input, or fewer than MIN_REPEAT_CUSTOMERS repeat buyers.
    """
    x, m = _check_spend(frequency, monetary_value)
    repeat = (x > 0) & (m > 0)
    if repeat.sum() < MIN_REPEAT_CUSTOMERS:
        raise ValueError("The spend model needs at least %d customers who bought more than once; "
                         "there are %d." % (MIN_REPEAT_CUSTOMERS, repeat.sum()))
    # gamma scales with the currency: start it at the mean spend.
    start = np.log([1.0, 1.0, m[repeat].mean()])
    p, q, gamma = _maximise(_gamma_gamma_terms, start, _gamma_gamma_data(x[repeat], m[repeat]))
    return {"p": float(p), "q": float(q), "gamma": float(gamma)}


def expected_average_spend(params, frequency, monetary_value):
    """E[spend per purchase | x, mean spend]; the population mean p*gamma/(q-1) when x = 0.

    A negative mean spend (refunds above purchases) counts as 0.
    """
    x, m = _check_spend(frequency, monetary_value)
    m = np.maximum(m, 0.0)
    p, q, gamma = params["p"], params["q"], params["gamma"]
    if q <= 1:
        raise ValueError("The spend model has no finite mean (q = %.3g <= 1): too few or too "
                         "dispersed repeat purchases." % q)
    return p * (gamma + x * m) / (p * x + q - 1)


# ---------------------------------------------------------------------------
# Net present value
# ---------------------------------------------------------------------------
def fit_models(summary, time_unit="week"):
    """Fit both models on ``summary`` (see :func:`summary_from_rfm`).

    :return: JSON-ready {"r", "alpha", "a", "b", "p", "q", "gamma", "time_unit"}.
    """
    _unit_days(time_unit)
    params = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    params.update(fit_gamma_gamma(summary["frequency"], summary["monetary_value"]))
    params["time_unit"] = time_unit
    return params


def customer_npv(summary, params=None, time_unit="week", horizon_months=36,
                 annual_discount_rate=0.10, margin_rate=1.0):
    """Expected discounted future margin of each customer.

    Discretisation: the horizon is cut into calendar months of 365.25/12 days. The purchases
    expected in month k are E[Y(k)] - E[Y(k-1)], E[Y(t)] being the BG/NBD conditional expected
    purchases up to t; they are valued at the Gamma-Gamma expected spend times margin_rate and
    discounted as if paid at the end of month k, by (1 + annual_discount_rate) ** (k / 12).

        npv = margin_rate * E[spend] * sum_k (E[Y(k)] - E[Y(k-1)]) / (1 + d) ** (k / 12)

    :param summary: output of :func:`summary_from_rfm` (frequency, recency, T, monetary_value).
    :param params: fitted parameters (:func:`fit_models`); fitted on ``summary`` when None.
    :param time_unit: unit of summary's recency and T (ignored when params carry one).
    :param margin_rate: share of spend that is margin: one number or one per customer.
    :return: (npv Series on summary's index, params).
    :raise ValueError: horizon outside 1..600 months, negative discount rate, margin rate not
        finite, or the fit's own errors.
    """
    if not isinstance(horizon_months, (int, np.integer)) or not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise ValueError("The horizon must be a whole number of months between 1 and %d, not %r."
                         % (MAX_HORIZON_MONTHS, horizon_months))
    if not 0 <= annual_discount_rate < 10:
        raise ValueError("The annual discount rate must be between 0 and 10 (1000%%), not %r."
                         % annual_discount_rate)
    margin = np.broadcast_to(np.asarray(margin_rate, dtype=np.float64), (len(summary),))
    if not np.isfinite(margin).all():
        raise ValueError("The margin rate must be a finite number.")
    if params is None:
        params = fit_models(summary, time_unit)
    if not len(summary):
        return pd.Series(np.zeros(0), index=summary.index, name="customer_npv"), params
    step = DAYS_PER_MONTH / _unit_days(params["time_unit"])
    x, t_x, T = _check_counts(summary["frequency"], summary["recency"], summary["T"])
    spend = expected_average_spend(params, x, summary["monetary_value"].to_numpy(dtype=np.float64))

    pair_x, pair_T, codes = _distinct_pairs(x, T)
    discounted = np.zeros(len(pair_x))
    previous = np.zeros(len(pair_x))
    for month in range(1, horizon_months + 1):
        cumulative = _expected_if_alive(params, pair_x, pair_T, month * step)
        discounted += (cumulative - previous) / (1.0 + annual_discount_rate) ** (month / 12.0)
        previous = cumulative
    npv = margin * spend * probability_alive(params, x, t_x, T) * discounted[codes]
    return pd.Series(npv, index=summary.index, name="customer_npv"), params


# ---------------------------------------------------------------------------
# What each customer will do next
# ---------------------------------------------------------------------------
def _check_horizons(horizons_days):
    if isinstance(horizons_days, (str, bytes)) or not hasattr(horizons_days, "__iter__"):
        raise ValueError("The prediction horizons must be a list of numbers of days, not %r." % (horizons_days,))
    horizons = list(horizons_days)
    if not horizons:
        raise ValueError("At least one prediction horizon (in days) is needed.")
    for days in horizons:
        if (isinstance(days, (bool, np.bool_)) or not isinstance(days, (int, float, np.integer, np.floating))
                or not 0 < days < np.inf):
            raise ValueError("Each prediction horizon must be a positive number of days, not %r." % (days,))
    names = ["expected_purchases_%g" % days for days in horizons]
    if len(set(names)) < len(names):
        raise ValueError("The prediction horizons must differ from each other: %s." % ", ".join(
            "%g" % days for days in horizons))
    return horizons, names


def predict(summary, params, horizons_days=(30, 90, 365)):
    """What each customer will do next, from the fitted BG/NBD and Gamma-Gamma models.

    - probability_alive: P(alive | x, t_x, T), the probability that the customer has not
      dropped out, from Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD
      Model" (the 2005 paper gives no expression for it); 1 without repeat purchases.
    - expected_purchases_<days>: E[Y(t) | x, t_x, T], the conditional expected number of
      purchase occasions in the next ``days`` days, Fader, Hardie & Lee (2005), eq. 10:
      P(alive) times the expectation if alive.
    - expected_spend: the Gamma-Gamma conditional expected spend per purchase
      (:func:`expected_average_spend`).

    :param summary: output of :func:`summary_from_rfm` (frequency, recency, T, monetary_value),
        in the time unit of ``params``.
    :param params: output of :func:`fit_models`, with its time_unit.
    :param horizons_days: positive numbers of days, converted to the params' time unit; the
        column of 30 days is expected_purchases_30 (of 7.5 days, expected_purchases_7.5).
    :return: DataFrame on summary's index with probability_alive, one expected_purchases_<days>
        column per horizon, in the order given, and expected_spend.
    :raise ValueError: a horizon that is not a positive number, twice the same horizon, an
        unknown time unit, invalid counts, or a spend model without finite mean (q <= 1).
    """
    horizons, names = _check_horizons(horizons_days)
    unit = _unit_days(params.get("time_unit"))
    x, t_x, T = _check_counts(summary["frequency"], summary["recency"], summary["T"])
    alive = probability_alive(params, x, t_x, T)
    pair_x, pair_T, codes = _distinct_pairs(x, T)
    columns = {"probability_alive": alive}
    for name, days in zip(names, horizons):
        columns[name] = alive * _expected_if_alive(params, pair_x, pair_T, float(days) / unit)[codes]
    columns["expected_spend"] = expected_average_spend(params, x, summary["monetary_value"].to_numpy(dtype=np.float64))
    return pd.DataFrame(columns, index=summary.index)
