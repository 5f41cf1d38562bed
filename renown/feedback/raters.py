"""Outside raters: when their answers may stay anonymous, and who counts as a distinct one.

An outside rater is only an e-mail address that someone typed in. renown cannot tell that
two addresses belong to two people, nor that an address does not belong to the person who
typed it. An anonymity threshold is a promise about *people*, so an outside rater may count
toward one only when the product can tell the rater is not a reader of the result:

- **The link reached the rater only.** renown e-mails it (:attr:`Delivery.MAIL`). When the
  requester is handed the links to forward (no mail server configured), they can answer
  every link themselves, so those answers are named.
- **The addresses were not chosen by a reader.** Whoever asks about themselves, or asks with
  the answers shared with managers, reads the result; addresses they chose could all be
  their own mailboxes (four free addresses and one real answer give that answer away by
  subtraction). Only a manager asking privately for their report (the report alone reads
  it, and did not choose the addresses) gets anonymous outside answers.
- **One mailbox, one rater.** Addresses are compared as mailboxes: case, ``+tags`` and
  Gmail's dots do not make a second person.
- **Their own group.** Outside answers form the ``client`` group, which is never pooled with
  colleagues' groups: a colleague's answer can never be the one unknown in a group that
  outside answers fill up.

Everything here is a pure function of plain values (or the settings), so each rule is
tested in isolation.
"""

from __future__ import annotations

from enum import StrEnum

from renown.feedback.vocabulary import Visibility
from renown.settings import Settings

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
"""Domains that ignore dots in the local part (and are one mailbox service)."""


class Delivery(StrEnum):
    """How an outside rater's single-use link reached them."""

    MAIL = "mail"
    """renown e-mailed it to the rater; nobody else saw it."""
    REQUESTER = "requester"
    """The requester was shown it to pass on (no mail server): they could answer it."""


def link_delivery(settings: Settings) -> Delivery:
    """How new links will reach outside raters with these settings: by e-mail when a mail
    server and the public address links are built on are both configured."""
    mail = settings.smtp_host and settings.smtp_from and settings.public_url
    return Delivery.MAIL if mail else Delivery.REQUESTER


def mailbox(email: str) -> str:
    """The mailbox an address delivers to, as far as the address itself says.

    ``Ana.Lee+360@GoogleMail.com`` and ``analee@gmail.com`` are the same mailbox. Other
    providers' aliases cannot be known, which is why outside raters count only when no
    reader of the result chose them (:func:`may_answer_anonymously`).
    """
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def requester_reads_answers(requester_id: int, subject_id: int, visibility: Visibility) -> bool:
    """Whether the person who chose the raters will read the answers.

    The subject reads every answer about them; a requester other than the subject is a
    manager of theirs, who reads answers shared with managers but not private ones.
    """
    return requester_id == subject_id or visibility is not Visibility.PRIVATE


def may_answer_anonymously(
    delivery: Delivery | str | None, requester_id: int, subject_id: int, visibility: Visibility
) -> bool:
    """Whether an outside rater's answer can be kept anonymous (and counted as a giver)."""
    return delivery == Delivery.MAIL and not requester_reads_answers(
        requester_id, subject_id, visibility
    )


def outside_answer_may_be_anonymous(
    anonymity: str,
    delivery: Delivery | str | None,
    requester_id: int,
    subject_id: int,
    visibility: str,
) -> bool:
    """What an outside rater is told: whether their answer to this request can be anonymous."""
    return anonymity != "none" and may_answer_anonymously(
        delivery, requester_id, subject_id, Visibility(visibility)
    )


NAMED_BECAUSE = (
    "answers from outside raters are named here: renown cannot tell an outside address "
    "apart from the person who chose it, so it could not keep an anonymous answer anonymous"
)
"""Why an outside rater's answer is named (shown on their page and in refusals)."""
