"""The evaluation report: metrics.json, plots and one HTML page a person can open."""

from training.report.write import write_report

__all__ = ["write_report"]
