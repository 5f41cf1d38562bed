"""Runtime settings, read from the environment (prefix ``RENOWN_``).

There is no import-time singleton: call :func:`get_settings` where settings are needed
so that tests and the CLI can point renown at another folder without monkeypatching.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where renown keeps its data and how it scores by default."""

    model_config = SettingsConfigDict(env_prefix="RENOWN_", extra="ignore")

    home: Path = Path(".renown")
    """Folder for the event lake, scoring runs and the download cache."""

    data_home: Path | None = None
    """Folder of local copies of public data sets (validations only)."""

    half_life_days: float = 90.0
    """Default half-life of an interaction's weight, in days."""

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
