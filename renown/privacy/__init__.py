"""Privacy rights: everything renown holds about a person, exported or erased.

:mod:`renown.privacy.registry` classifies every column that names a person (how it is
exported, how it is erased, and why); :mod:`renown.privacy.export` builds "export my
data" from it and :mod:`renown.privacy.erase` erases a person from the store, the event
lake and the run outputs. This package sits above every domain package whose tables it
reads, so each keeps its own rules (what a person may see of anonymous feedback, what a
frozen decision is) and privacy composes them.
"""
