"""How the account pages name a web session's browser."""

from __future__ import annotations

from ua_parser import parse as parse_user_agent


def browser_of(user_agent: str) -> str:
    """A user agent in words people recognise ("Firefox 128 on Windows"), via ua-parser
    (the maintained port of uap-core's browser and OS patterns)."""
    parsed = parse_user_agent(user_agent)
    browser = parsed.user_agent
    if browser is None:
        return "unknown browser"
    name = f"{browser.family} {browser.major}" if browser.major else browser.family
    if parsed.os is not None and parsed.os.family != "Other":
        name += f" on {parsed.os.family}"
    if parsed.device is not None and parsed.device.family not in {"Other", "Spider"}:
        name += f" ({parsed.device.family})"
    return name
