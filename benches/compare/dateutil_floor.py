"""The hosts bench's schedule in Python with python-dateutil, to compare with
`cargo bench --bench hosts` (`distinct_4096`: the engine with its rules and calendar).

The same 18 dates for the same 4,096 plastic inpatients (offsets in days from the event
and the discharge, months clamped to the month's end as the engine's default), two ways:
- `relativedelta`: plain date arithmetic, the cheapest Python can do;
- `rrule`: one `dateutil.rrule` per step, as a rule-driven Python scheduler would.
Prints the time per episode, best of 10 runs.

    python3 benches/compare/dateutil_floor.py
"""
import time
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, rrule

START = date(2016, 1, 1)
EPISODES = [
    (START + timedelta(days=i % 4000), START + timedelta(days=i % 4000 + i % 5 + 1))
    for i in range(4096)
]
DAYS = (1, 2, 2, 3, 6, 15)
MONTHS = (1, 1, 2, 3, 3, 6, 6, 6, 12)


def with_relativedelta(out):
    days = [timedelta(days=n) for n in DAYS]
    months = [relativedelta(months=n) for n in MONTHS]
    for d, discharge in EPISODES:
        for k in days:
            out.append((d + k, 0))
        out.append((d + timedelta(days=6), 1))
        out.append((d + timedelta(days=8), 1))
        out.append((discharge, 2))
        for m in months:
            out.append((d + m, 3))


def with_rrule(out):
    for d, discharge in EPISODES:
        start = datetime(d.year, d.month, d.day)
        for n in DAYS + (6, 8):
            out.append((rrule(DAILY, dtstart=start, interval=n, count=2)[1].date(), 0))
        out.append((discharge, 2))
        for n in MONTHS:
            # rrule skips months without the day; relativedelta clamps: the engine clamps.
            out.append((d + relativedelta(months=n), 3))
            rrule(MONTHLY, dtstart=start, interval=n, count=2, bymonthday=(d.day, -1))[1]


def best(f):
    times = []
    for _ in range(10):
        out = []
        t = time.perf_counter()
        f(out)
        times.append(time.perf_counter() - t)
    assert len(out) == 18 * len(EPISODES)
    return min(times) / len(EPISODES) * 1e6


print(f"python-dateutil, relativedelta: {best(with_relativedelta):.1f} µs per episode")
print(f"python-dateutil, one rrule per step: {best(with_rrule):.1f} µs per episode")
