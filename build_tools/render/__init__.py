"""Records -> Markdown pages and chart data (see ``report_page``, ``home``, ``build_report``).

Everything report-derived passes through ``escape`` before it reaches a page.
"""
