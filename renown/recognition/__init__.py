"""Recognition: public kudos with budgets, reactions and comments; badges earned in the
product; kudos-ring detection with HR review; kudos and feedback as prominence events.

``actions`` and ``rings`` write (each ``check_*`` authorises then calls a ``do_*`` that
writes with an audit entry), ``queries`` read, ``badges`` turns the store into badge facts
and awards, ``events`` exports to the organisation's event lake, ``notices`` sends the
notifications recorded in the outbox.
"""
