"""The report: HTML, JSON and JUnit outputs rendered from one RunResult."""

from conformance.report.render import results_document, summarize, verdict, write_reports

__all__ = ["results_document", "summarize", "verdict", "write_reports"]
