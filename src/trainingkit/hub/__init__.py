"""The course on JupyterHub for a class: each person an OS account, each role its own view.

Data passes through the modules in this order:

* :mod:`~trainingkit.hub.roster` reads the roster (``username,role,name``);
* :mod:`~trainingkit.hub.layout` names every path of a deployment under its prefix;
* :mod:`~trainingkit.hub.deploy` makes the grader account, the shared interpreter, the
  grader's copy of the course and the roles' configuration (:mod:`~trainingkit.hub.roles`),
  then the roster's accounts (:mod:`~trainingkit.hub.accounts`);
* :mod:`~trainingkit.hub.config` is JupyterHub's configuration, read by the hub itself;
* the course service (:mod:`trainingkit.exchange`) is how assignments, submissions and
  feedback travel between a person and the course: no shared folder;
* :mod:`~trainingkit.hub.run` is ``trainingkit hub``.
"""
