"""Backups of an installation: the database and the event lakes and runs under the home,
in one archive (:mod:`renown.backup.archive` describes the format), and their restore."""

from renown.backup.archive import BackupError
from renown.backup.create import BackupSummary, create_backup
from renown.backup.restore import RestoreSummary, restore_backup

__all__ = ["BackupError", "BackupSummary", "RestoreSummary", "create_backup", "restore_backup"]
