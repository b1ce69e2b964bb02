"""Reports for managers, Qt-free: built-in and custom reports as tables, written to Excel.

A report is a `ReportTable` (columns with units, formats, totals and limits; rows streamed from
the data) that `app.reports.excel` writes as a workbook a manager can forward as it is.  Reports
read their data through a `DataSource`, so they run the same in direct and cloud mode, and they
run off the GUI thread with progress and cancel.
"""
