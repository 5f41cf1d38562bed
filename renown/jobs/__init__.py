"""The background job queue and its runner, knowing no kind of job.

A job is a ``jobs`` row (who started it, its parameters, progress, result or error) and a
huey message carrying its id (:mod:`renown.jobs.queue`, :mod:`renown.jobs.tasks`). The
runner (:mod:`renown.jobs.runner`) claims a job, reports its progress and records its
outcome; recovery and the sweep (:mod:`renown.jobs.recovery`, :mod:`renown.jobs.sweep`)
end what a crash left behind. None of this knows what a job does; who may see
jobs is decided by :mod:`renown.jobs.access`, and reading them is
:mod:`renown.scoring.queries` (the runs and imports pages list them).

**How a kind of job is added.** The package that owns the work writes it as a function of
a :class:`~renown.jobs.runner.JobContext` (``renown.scoring.job.run_scoring``,
``renown.scoring.imports.run_ingest``, ``renown.recognition.job.run_recognition``), with an
``enqueue_*`` that calls :func:`~renown.jobs.enqueue.enqueue_job` with the kind's name. The
entry point hands the kinds to the runner: :mod:`renown.worker` maps each kind's name to its
work and builds the queue with them (:func:`renown.worker.make_queue`), and the web app,
the command line and the demo all take their queue from there. So this package sits below
every domain and imports none of them.
"""

from renown.jobs.queue import JobQueue

__all__ = ["JobQueue"]
