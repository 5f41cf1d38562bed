"""Promotion boards: criteria, composite rankings, what-if, 9-box, calibration, succession,
decisions, and their bias audits."""
