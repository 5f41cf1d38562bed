"""``renown connect``: pull public networks from the command line.

``fetch`` runs one live pull of one public account (for people with internet access),
prints what it read, and can write the canonical events for ``renown score``; ``refresh``
pulls every proven account of an organisation and scores its external prominence (what
the web's refresh job does, for a nightly cron). ``--replay`` answers from recorded
exchanges instead of the network.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Final

import httpx
import typer
from rich.console import Console
from rich.table import Table

connect_app = typer.Typer(help="Pull public networks (external prominence).", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
FAILED: Final = 2


def _transport(replay: Path | None) -> httpx.BaseTransport | None:
    if replay is None:
        return None
    from renown.connectors.replay import Replay

    files = sorted(replay.glob("*.json")) if replay.is_dir() else [replay]
    return Replay.from_files(files).transport()


@connect_app.command("fetch")
def fetch(
    network: Annotated[str, typer.Option(help="github, mastodon, bluesky, stackexchange or rss.")],
    account: Annotated[str, typer.Option(help="The handle, profile address or feed URL.")],
    since_days: Annotated[int, typer.Option(min=1, max=3650, help="How far back to read.")] = 365,
    out: Annotated[
        Path | None, typer.Option(help="Write the canonical events here (.parquet or .csv).")
    ] = None,
    token_env: Annotated[
        str | None,
        typer.Option(help="Name of an environment variable holding an API token (never echoed)."),
    ] = None,
    replay: Annotated[
        Path | None, typer.Option(help="Answer from recorded exchanges (a file or folder).")
    ] = None,
) -> None:
    """Pull one public account's activity and engagement, and say what was mapped."""
    from renown.connectors.canonical import to_events
    from renown.connectors.errors import ConnectorError, MalformedResponse
    from renown.connectors.pull import run_pull
    from renown.connectors.registry import connector

    try:
        plugin = connector(network)
        handle = plugin.parse_handle(account)
    except (KeyError, ValueError) as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FAILED) from None
    token = os.environ.get(token_env) if token_env else None
    now = datetime.now(UTC)
    try:
        with plugin.client(handle, transport=_transport(replay), token=token) as client:
            profile = plugin.profile(client, handle)
            outcome = run_pull(plugin, client, profile, {}, since=now - timedelta(days=since_days))
    except (ConnectorError, MalformedResponse) as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FAILED) from None
    console.print(
        f"{plugin.label} {profile.handle} ({profile.display_name or 'no display name'}): "
        f"{profile.audience if profile.audience is not None else '?'} followers, {profile.url}",
        highlight=False,
    )
    counts: Counter[tuple[str, str]] = Counter()
    weights: dict[tuple[str, str], float] = {}
    for event in outcome.events:
        group = (event.kind, "anonymous" if event.actor is None else "named")
        counts[group] += 1
        weights[group] = weights.get(group, 0.0) + event.weight
    table = Table("kind", "who", "events", "weight")
    for (kind, who), count in sorted(counts.items()):
        table.add_row(kind, who, str(count), f"{weights[kind, who]:g}")
    console.print(table)
    items = Counter(i.kind for i in outcome.items)
    listed = ", ".join(f"{n} {k}" for k, n in sorted(items.items())) or "none"
    console.print(
        f"{len(outcome.items)} items ({listed}), {len(outcome.events)} events, "
        f"{outcome.requests} requests",
        highlight=False,
    )
    if outcome.resume_at is not None:
        console.print(f"rate limited: the rest can be read after {outcome.resume_at.isoformat()}")
    if out is not None:
        frame = to_events(plugin.network, outcome.events)
        if out.suffix == ".csv":
            frame.write_csv(out)
        else:
            frame.write_parquet(out)
        console.print(f"wrote {frame.height} canonical events to {out}", highlight=False)


@connect_app.command("refresh")
def refresh(
    slug: Annotated[str, typer.Argument(help="Organisation whose linked accounts to pull.")],
) -> None:
    """Pull every proven account of an organisation, then score its external prominence."""
    from renown.external.pulling import fetch as fetch_account
    from renown.external.pulling import keep, verified_accounts
    from renown.external.scoring import score_external
    from renown.external.transport import connector_transport
    from renown.org.actions import org_by_slug
    from renown.settings import get_settings
    from renown.store import make_engine, session_factory, transaction

    settings = get_settings()
    engine = make_engine(settings.database)
    now = datetime.now(UTC)
    try:
        sessions = session_factory(engine)
        with sessions() as session:
            org_id = org_by_slug(session, slug).id
            accounts = verified_accounts(session, org_id)
            session.expunge_all()
        transport = connector_transport(settings)
        key = settings.connector_secret()
        fetched = [fetch_account(a, transport=transport, key=key, now=now) for a in accounts]
        failed = 0
        for one in fetched:
            with transaction(sessions) as session:
                pulled = keep(session, one, now=now)
            failed += pulled.error is not None
            state = (
                f"failed: {pulled.error}"
                if pulled.error
                else f"{pulled.events} new events, {pulled.items} items"
                + (f", paused until {pulled.resume_at.isoformat()}" if pulled.resume_at else "")
            )
            console.print(f"{pulled.label}: {state}", highlight=False)
        with transaction(sessions) as session:
            scored = score_external(session, org_id, now=now)
        console.print(f"scored {len(scored)} people; {failed} account(s) failed")
    finally:
        engine.dispose()
