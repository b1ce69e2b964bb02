"""The managers' side of the console: energy analysis, reports to Excel, custom and scheduled reports."""
