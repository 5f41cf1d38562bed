"""Runtime settings, read from the environment (prefix ``RENOWN_``).

There is no import-time singleton: call :func:`get_settings` where settings are needed
so that tests and the CLI can point renown at another folder without monkeypatching.
"""

from __future__ import annotations

import base64
import math
import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from renown.core.decay import DEFAULT_HALF_LIFE_DAYS
from renown.core.private import private_dir

ANONYMITY_FLOOR = 3
"""No installation or organisation may publish anonymous feedback from fewer givers."""
JOB_HEARTBEAT_SECONDS = 10.0
"""Default interval between a running job's signs of life (see ``job_heartbeat_seconds``)."""


class Settings(BaseSettings):
    """Where renown keeps its data and how it scores by default."""

    model_config = SettingsConfigDict(env_prefix="RENOWN_", extra="ignore")

    home: Path = Path(".renown")
    """Folder for the event lake, scoring runs and the download cache."""

    data_home: Path | None = None
    """Folder of local copies of public data sets (validations only)."""

    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    """Default half-life of an interaction's weight, in days."""

    scoring_period: Literal["day", "week", "month", "quarter"] = "month"
    """A live organisation's runs are as of the end of the last complete period of this
    length (:mod:`renown.scoring.asof`), so a kudos today does not move the as-of."""

    database_url: str | None = None
    """SQLAlchemy URL of the store; default: a SQLite file under ``home``."""

    secret_key: str | None = None
    """Key that signs session cookies; default: one generated once and kept under ``home``."""

    max_upload_bytes: int = 50 * 1024 * 1024
    """Largest file the web app accepts for an upload."""

    session_max_age_seconds: int = 8 * 3600
    """How long a web sign-in lasts at most, however active (the absolute timeout)."""

    session_idle_seconds: int = 30 * 60
    """How long a web sign-in lasts unused (the idle timeout; OWASP's 15-30 minutes)."""

    secure_cookies: bool = False
    """Send session cookies over HTTPS only (turn on behind TLS in production)."""

    oidc_issuer: str | None = None
    """OpenID Connect issuer URL for single sign-on (optional)."""
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None

    connector_key: str | None = None
    """Key that encrypts the OAuth tokens of linked public accounts (a Fernet key); default:
    one generated once and kept under ``home``, apart from the cookie key."""

    connectors_replay: Path | None = None
    """A folder of recorded API exchanges (``*.json``) that answer every connector instead of
    the network: offline demos and browser tests. Unset (the default): the real public APIs."""

    github_client_id: str | None = None
    """OAuth app of GitHub, for proving an account by signing in there (optional: without
    it people prove a GitHub account with a code in their bio)."""
    github_client_secret: str | None = None

    sources_path: Path | None = None
    """Folder of server-side event sources (one sub-folder per organisation); default under
    ``home``. Operators place sources there; people can only pick what is listed."""

    jobs_immediate: bool = False
    """Run background jobs in the calling process (tests, single-process demos)."""

    stale_upload_hours: float = 24.0
    """An upload older than this whose job is finished (or gone) is deleted by the job sweeper.

    A job deletes its upload as soon as it has read it; this catches the ones a crashed
    process left behind. The age protects an upload whose job is still being created."""

    job_heartbeat_seconds: float = JOB_HEARTBEAT_SECONDS
    """How often a running job records that its worker is alive. A job silent for twelve
    beats counts as stopped and is failed by the workers, so a lower value notices a crashed
    worker sooner at the price of more writes (the crash harness uses a fraction of a second
    so it need not wait two minutes per kill)."""

    public_url: str | None = None
    """The address people reach renown at (``https://renown.example.com``). Links renown
    e-mails are built on it, never on the address a request came in on: a requester could
    send their own ``Host`` header and have an outside rater's link point at their server.
    Outside raters' links are e-mailed only when this is set."""

    smtp_host: str | None = None
    """Mail server for e-mail notifications; unset: e-mail is not sent (and says so)."""
    smtp_port: int = 587
    smtp_from: str | None = None
    """Sender address of notifications (required with ``smtp_host``)."""
    smtp_starttls: bool = True
    """Upgrade the connection with STARTTLS before signing in (turn off only on localhost)."""
    smtp_user: str | None = None
    smtp_password: str | None = None

    slack_webhook_url: str | None = None
    """Slack incoming-webhook URL for the organisation's channel; unset: nothing is posted."""

    notify_timeout_seconds: float = 10.0
    """How long a mail server or webhook may take before the delivery counts as failed."""

    feedback_anonymity_threshold: int = 5
    """Distinct givers an anonymous feedback aggregate needs (organisations may change it)."""

    @field_validator("feedback_anonymity_threshold")
    @classmethod
    def _threshold_not_below_floor(cls, value: int) -> int:
        if value < ANONYMITY_FLOOR:
            raise ValueError(f"the anonymity threshold cannot be below {ANONYMITY_FLOOR}")
        return value

    @field_validator("session_idle_seconds")
    @classmethod
    def _idle_not_below_five_minutes(cls, value: int) -> int:
        # A session's last use is noted to the minute: a shorter idle timeout would end
        # sessions that are in use.
        if value < 300:
            raise ValueError("the idle timeout of web sessions is at least 300 seconds")
        return value

    @field_validator("public_url")
    @classmethod
    def _an_http_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.query:
            raise ValueError("the public URL is an http(s) address such as https://renown.example")
        return value.strip().rstrip("/")

    @field_validator("stale_upload_hours")
    @classmethod
    def _positive_age(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("the age of a stale upload must be above 0 hours")
        return value

    @field_validator("job_heartbeat_seconds")
    @classmethod
    def _heartbeat_positive(cls, value: float) -> float:
        if not (math.isfinite(value) and value > 0):
            raise ValueError("the job heartbeat must be a positive number of seconds")
        return value

    @property
    def database(self) -> str:
        """The store's URL."""
        return self.database_url or f"sqlite:///{self.home / 'renown.db'}"

    def session_secret(self) -> str:
        """The cookie-signing key, created on first use so that sessions survive restarts."""
        if self.secret_key:
            return self.secret_key
        path = self.private_home() / "secret.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def connector_secret(self) -> str:
        """The key that encrypts connector tokens, created on first use (a Fernet key)."""
        if self.connector_key:
            return self.connector_key
        path = self.private_home() / "connector.key"
        if not path.exists():
            key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
        return path.read_text().strip()

    def private_home(self) -> Path:
        """The home folder, created (or tightened) to 0700, and the data folders already in
        it tightened likewise: they hold personal data, and an older version of renown
        created them readable by every account on the machine."""
        home = private_dir(self.home)
        orgs = self.home / "orgs"
        folders = [self.uploads_dir, self.lake_dir, self.runs_dir, self.cache_dir, orgs]
        folders += [*orgs.glob("*"), *orgs.glob("*/lake"), *self.uploads_dir.glob("*")]
        for folder in folders:
            if folder.is_dir() and not folder.is_symlink():
                private_dir(folder)
        return home

    def org_lake_dir(self, org_slug: str) -> Path:
        """Event lake of one organisation (tenants never share a lake)."""
        return self.home / "orgs" / org_slug / "lake"

    @property
    def uploads_dir(self) -> Path:
        """Folder where uploaded files wait for their background job (deleted once read)."""
        return self.home / "uploads"

    @property
    def sources_dir(self) -> Path:
        """Folder of server-side sources, ``<sources_dir>/<org slug>/<source>``."""
        return self.sources_path or self.home / "sources"

    @property
    def lake_dir(self) -> Path:
        """Folder of the Parquet event lake."""
        return self.home / "lake"

    @property
    def runs_dir(self) -> Path:
        """Folder of scoring-run outputs (scores, explanations, parameters)."""
        return self.home / "runs"

    @property
    def cache_dir(self) -> Path:
        """Folder of downloaded public data sets."""
        return self.home / "cache"


def get_settings() -> Settings:
    """Read settings from the environment now."""
    return Settings()
