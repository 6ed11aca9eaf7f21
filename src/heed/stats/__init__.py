"""Anonymised national statistics (issue 13): a force's aggregate figures for a month, small numbers
suppressed (``suppress``), written to a signed file of allow-listed keys only (``fileformat``), and imported
and read by the national owner (``services``, ``selectors``). See docs/adr/0024-national-statistics.md."""
