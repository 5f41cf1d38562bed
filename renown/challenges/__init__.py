"""Crowdsourced challenges: sponsors post paid work, community members compete for it.

A challenge runs through dated phases (registration, submission, review, appeals, winners);
submissions are reviewed on a scorecard or scored automatically against a hidden answer key;
winners are owed prizes in a ledger; results update members' skill ratings
(:mod:`renown.challenges.ratings`), which the marketplace, badges and promotion boards read.
"""
