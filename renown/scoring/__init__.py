"""Scoring: the pipeline that turns events into explained scores, and everything around a run.

* :mod:`~renown.scoring.pipeline` computes a run (:func:`score_events`), for the command
  line, the scoring job, the demo and the Spark engine alike;
* :mod:`~renown.scoring.inputs` opens what a run reads (events, a lake kept lazy, groups);
* :mod:`~renown.scoring.runs` and :mod:`~renown.scoring.reproduce` keep run files and
  reproduce a run exactly; :mod:`~renown.scoring.snapshots` stores a run per person;
* :mod:`~renown.scoring.job` and :mod:`~renown.scoring.imports` are the background jobs
  that score an organisation's lake and add events to it;
* :mod:`~renown.scoring.actions` and :mod:`~renown.scoring.queries` are what the web app
  calls to start them and to read runs and sources.

Reading events is :mod:`renown.ingest`'s; the queue the jobs run on is :mod:`renown.jobs`.
"""
