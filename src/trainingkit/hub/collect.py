"""Collect that refuses a submission whose claimed trainee is not the account that made it.

``nbgrader submit --student=someone-else`` writes a folder named after someone else into the
exchange; nbgrader's own collect only warns when the folder's owner differs, and keeps the
newer, forged submission in place of the real one. :class:`OwnerCheckedCollect` leaves every
such folder out (logging which, and whose it really is), then picks each trainee's submission
among their own folders only. The course's configuration uses it wherever accounts are real
(the hub); ``make lab``, where one account plays every trainee, keeps nbgrader's collect.
"""

from __future__ import annotations

import glob
import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect, groupby


def folder_owner(path: str) -> str:
    """The account owning ``path`` (not following a link), or ``uid N`` when it has no name."""
    uid = os.lstat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


class OwnerCheckedCollect(ExchangeCollect):
    """nbgrader's collect, taking each trainee's submissions only from folders they own."""

    def init_src(self) -> None:
        super().init_src()  # checks the course and reads the due date; src_records redone below
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            owner = folder_owner(path)
            if owner != record["username"] or os.path.islink(path):
                self.log.error("Refused %s: it claims to be %s's but was submitted by %s; "
                               "left in the exchange, not collected", record["filename"],
                               record["username"], owner)
                continue
            records.append(record)
        self.src_records = []
        for submissions in groupby(records, lambda item: item["username"]).values():
            ordered = self._sort_by_timestamp(submissions)
            on_time = [r for r in ordered if self.duedate is None or r["timestamp"] <= self.duedate]
            self.src_records.append(on_time[0] if self.before_duedate and on_time else ordered[0])
