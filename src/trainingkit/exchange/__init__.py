"""The course service: assignments out, submissions in, feedback back, over an authenticated channel.

On the hub, nothing crosses between a trainee and the course through a shared folder. The
course service (:mod:`~trainingkit.exchange.service`, a JupyterHub service running as the
grader account) is the only door: it learns who is calling from the hub (the caller's own
hub token), serves released assignments to the course's members, takes a submission as
data (checked at the door by :mod:`~trainingkit.exchange.submission`), stamps it with the
server's time and the hub's name for the person, and returns feedback to its owner only.

nbgrader's exchange is pluggable; trainingkit's plugins come in two halves:

* :mod:`~trainingkit.exchange.client`: fetch, submit, list and fetch feedback, in the
  trainee's own server (the Assignments panel) or terminal (``nbgrader submit``), over HTTP;
* :mod:`~trainingkit.exchange.grader`: release, collect and release feedback, in the
  grader's own processes (the formgrader and the grader's commands), on the service's store
  (:mod:`~trainingkit.exchange.store`), which is the grader's alone.

``make lab``, where one account plays every role, keeps nbgrader's own folder exchange
(:mod:`~trainingkit.exchange.folder` adds each fetched letter's score to its listing).
"""
