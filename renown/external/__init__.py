"""External prominence: the public accounts people link, what renown pulls from them, and
the per-network and combined scores, explained; the opt-in public profile card.

The connectors themselves (public APIs only) are :mod:`renown.connectors`; this package
holds who linked what with which proof (:mod:`.linking`), HR's file of links for people
who consented (:mod:`.imports`), pulls and their storage (:mod:`.pulling`), scoring
(:mod:`.scoring`, :mod:`.combine`), the job that refreshes an organisation (:mod:`.job`)
and the card (:mod:`.cards`). See ``docs/external.md``.
"""
