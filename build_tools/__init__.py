"""Build tools for the government-information-disclosure report archive (政府信息公开工作年度报告).

Pipeline stages, one module each, with the record (see ``record.py``) the only thing
passed on after the table finder:

    readers/*   file -> Document (rows of cells, format-neutral)
    sections    Document -> six narrative sections + the rows of T2/T3/T4
    tables      table rows -> normalized T2/T3/T4 cells
    metadata    Document + sidecar -> agency, year, region, date, template
    checks      record -> consistency checks (勾稽关系)
    render/*    records -> Markdown pages, chart data
    indexes     records -> region/year/agency pages, open data
    build       orchestration, build report, MkDocs
"""

PARSER_VERSION = "3"   # 3: short forms of autonomous divisions (黄南州, 互助县) resolve to a region
