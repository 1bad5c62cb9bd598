"""Writes real office documents with the libraries people make them with: python-docx,
openpyxl and python-pptx (OOXML), odfpy (OpenDocument). The API must tell each one's type from
its bytes; these are what a coordinator's Word, Excel, PowerPoint or LibreOffice save.

    python office_files.py <folder>
"""

import sys
from pathlib import Path

import docx
import openpyxl
import pptx
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.draw import Page
from odf.style import MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import P


def main() -> None:
    out = Path(sys.argv[1])
    document = docx.Document()
    document.add_heading("دليل إدارة المشاريع", level=1)
    document.add_paragraph("منصة الهندسة والتخطيط")
    document.save(out / "guide.docx")

    book = openpyxl.Workbook()
    book.active.append(["البلدية", "المبلغ"])
    book.active.append(["نابلس", 1200])
    book.save(out / "budget.xlsx")

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "ورشة تبادل الخبرات"
    deck.save(out / "slides.pptx")

    text = OpenDocumentText()
    text.text.addElement(P(text="محضر اجتماع المنصة"))
    text.save(str(out / "minutes.odt"))

    sheet = OpenDocumentSpreadsheet()
    table = Table(name="الحضور")
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="بلدية أريحا"))
    row.addElement(cell)
    table.addElement(row)
    sheet.spreadsheet.addElement(table)
    sheet.save(str(out / "attendance.ods"))

    show = OpenDocumentPresentation()
    layout = PageLayout(name="layout")
    show.automaticstyles.addElement(layout)
    master = MasterPage(name="master", pagelayoutname=layout)
    show.masterstyles.addElement(master)
    show.presentation.addElement(Page(masterpagename=master))
    show.save(str(out / "talk.odp"))


if __name__ == "__main__":
    main()
