"""Reads an XLSX workbook with openpyxl (a reader nobody on this project wrote) and prints what a
person opening it would see, as JSON: each sheet's title, whether it reads right to left, and each
cell's value and Python type (int/float for numbers, datetime for dates, str for text). A `.csv`
file is read with Python's own RFC 4180 reader instead, as Excel would (UTF-8 with its mark), and
printed as its records."""

import csv
import datetime
import json
import sys

import openpyxl


def cell(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return {"type": "datetime", "value": value.isoformat()}
    if value is None:
        return {"type": "empty", "value": None}
    return {"type": type(value).__name__, "value": value}


def main(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        sheets.append(
            {
                "title": sheet.title,
                "right_to_left": bool(sheet.sheet_view.rightToLeft),
                "rows": [[cell(c.value) for c in row] for row in sheet.iter_rows()],
                "formats": [[c.number_format for c in row] for row in sheet.iter_rows()],
            }
        )
    json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)


def main_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        raw = f.read()
    with open(path, "rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    records = list(csv.reader(raw.splitlines(keepends=True), strict=True))
    json.dump({"bom": bom, "records": records}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1].endswith(".csv"):
        main_csv(sys.argv[1])
    else:
        main(sys.argv[1])
