"""nbgrader's exchange, with collect refusing what it must not copy.

nbgrader's collect copies each student's newest submission from the exchange's inbound
with ``shutil.copytree``, which follows links: a student, who owns their folder in the
inbound, could have it copy anything the grader can read into ``submitted/`` as their
own work. ``CheckedCollect`` (``c.ExchangeFactory.collect`` in grader/nbgrader_config.py,
so the command line, the formgrader's Collect button and ``python -m grader`` all use
it) first checks each inbound submission of the assignment as autograde checks a
submitted folder (grader.autograde.check_folder). One that fails is moved out of the
inbound, to ``rejected/`` beside it, so that the student's newest good submission is
collected instead, and its reasons are recorded for autograde's outcome of that student
(grader.autograde.rejected_at_collect).
"""

import json
import os
from pathlib import Path

from nbgrader.exchange.default import ExchangeCollect

from grader.autograde import check_folder, rejected_at_collect_record


class CheckedCollect(ExchangeCollect):
    def init_src(self):
        inbound = Path(self.root) / self.coursedir.course_id / "inbound"
        student = self.coursedir.student_id or "*"
        record = rejected_at_collect_record(Path(self.coursedir.submitted_directory).parent,
                                            self.coursedir.assignment_id)
        rejected = json.loads(record.read_text()) if record.is_file() else {}
        for folder in sorted(inbound.glob(f"{student}+{self.coursedir.assignment_id}+*")):
            reasons = check_folder(folder)
            if not reasons:
                continue
            student_id, _, when = folder.name.rsplit("+", 3)[:3]
            aside = inbound.parent / "rejected" / folder.name
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder, aside)
            rejected[student_id] = [f"{r} (in the submission of {when}, left in the exchange)"
                                    for r in reasons]
            self.log.error("Rejected %s: %s", folder.name, "; ".join(reasons))
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(rejected, indent=1))
        super().init_src()
