"""The label set, in the column order the classifier uses."""

PROPAGANDA = "propaganda"
REPORTING = "reporting"
UNRELATED = "unrelated"
LABELS: tuple[str, ...] = (PROPAGANDA, REPORTING, UNRELATED)
