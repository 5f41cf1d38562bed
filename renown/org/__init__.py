"""The organisation model: org-chart import, identities, and who may see whom."""
