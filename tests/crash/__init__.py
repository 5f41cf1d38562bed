"""Crash harness: kill the server and the worker during writes, then prove nothing was lost.

``python -m tests.crash`` (``make crash``) seeds an installation per database (a SQLite file
under a temporary home; a fresh PostgreSQL schema too when ``RENOWN_TEST_DATABASE_URL`` is
set), serves it with ``renown serve --no-worker`` and ``renown worker`` as separate
processes, and for several rounds lets concurrent HTTP clients write through the public API
while both processes receive SIGKILL at a random moment. After restarting them it checks
that every write the server acknowledged is stored exactly once, that the database and the
event lake are intact, that the audit chain verifies, and that every job the kill
interrupted ended failed or done with a reason.

It is not collected by pytest (no ``test_`` modules): it starts real processes and takes
minutes, so it runs as its own make target and CI step.
"""
