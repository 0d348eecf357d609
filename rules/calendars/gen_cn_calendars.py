"""Writes rules/calendars/cn-YYYY.json from the table of mainland China's public holidays
and make-up working days (CSV: date,kind,name; kind holiday or workday; English names).

    python3 rules/calendars/gen_cn_calendars.py tests/data/cn_public_holidays.csv rules/calendars

Standard library only. Running it on the shipped table gives the shipped files byte for
byte (CI does not run it; `tests/calendars/china.rs` compares the files with the table).
"""
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

FIRST = 2002
LAST = 2026  # raise when a year is added (see README.md, "Adding a year")

# The official Chinese name of each English name the table uses. A new holiday name in the
# table must be added here (the script stops on an unknown name).
ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Years in which the Mid-autumn Festival fell inside the National Day holiday with no
# day of its own in the table: their National Day days carry both names.
NATIONAL_DAY_AND_MID_AUTUMN = {2020}


def name(year, english):
    if english == "National Day" and year in NATIONAL_DAY_AND_MID_AUTUMN:
        return {"zh": "国庆节、中秋节", "en": "National Day and Mid-autumn Festival"}
    if english not in ZH:
        sys.exit(f"unknown holiday name {english!r}: add its Chinese name to ZH")
    return {"zh": ZH[english], "en": english}


def main(src, out):
    years = defaultdict(lambda: {"holidays": {}, "workdays": {}})
    with src.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            # A row belongs to the year of its date; the two rows of December 2001
            # (make-up days for New Year 2002) go with 2002, outside its coverage.
            year = max(int(row["date"][:4]), FIRST)
            kind = {"holiday": "holidays", "workday": "workdays"}[row["kind"]]
            years[year][kind][row["date"]] = name(year, row["name"])
    if sorted(years) != list(range(FIRST, LAST + 1)):
        sys.exit(f"the table covers {sorted(years)}, expected {FIRST}-{LAST}")

    def block(entries):
        lines = [
            f'    {json.dumps(d)}: {{"zh": {json.dumps(n["zh"], ensure_ascii=False)}, '
            f'"en": {json.dumps(n["en"], ensure_ascii=False)}}}'
            for d, n in sorted(entries.items())
        ]
        return "{\n" + ",\n".join(lines) + "\n  }"

    for year, lists in sorted(years.items()):
        text = (
            "{\n"
            f'  "covers": {{"from": "{year}-01-01", "to": "{year}-12-31"}},\n'
            '  "weekend": ["Sat", "Sun"],\n'
            '  "closed_on_weekends": true,\n'
            '  "closed_on_holidays": true,\n'
            f'  "holidays": {block(lists["holidays"])},\n'
            f'  "workdays": {block(lists["workdays"])}\n'
            "}\n"
        )
        (out / f"cn-{year}.json").write_text(text, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
