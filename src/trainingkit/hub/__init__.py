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
* :mod:`~trainingkit.hub.run` is ``trainingkit hub``;
* while the class runs, :mod:`~trainingkit.hub.enrol` (``trainingkit roster``,
  :mod:`~trainingkit.hub.enrol_cli`) adds, disables and removes people through the hub's
  REST API; :mod:`~trainingkit.hub.change_password` is the page where each person changes
  their own password; :mod:`~trainingkit.hub.fresh_lessons` brings a person's lessons up to
  date with the build at each start of their server.
"""
