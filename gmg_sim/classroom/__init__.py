"""Classroom role-play: students play the agencies of the Global Migration Group, the model the rest.

- :mod:`~gmg_sim.classroom.choices`: the decision maker that answers for the seated
  agencies (:class:`ClassroomDecisions`) and the choices students can make (:data:`KINDS`);
- :mod:`~gmg_sim.classroom.session`: seats, tokens, open choices, deadlines, defaults and
  the session file (:class:`Session`), without HTTP;
- :mod:`~gmg_sim.classroom.lock`: the exclusive lock of a session file (one server per
  session, :class:`~gmg_sim.classroom.lock.SessionLock`);
- :mod:`~gmg_sim.classroom.debrief`: the class's run beside the model-only run, and the
  exports for discussion or grading;
- :mod:`~gmg_sim.classroom.web`: the Starlette app (teacher, seat and debrief pages);
  ``gmg-sim classroom`` serves it.

The teaching page is ``docs/teaching/role_play.md`` ("Running a role-play class").
"""

from gmg_sim.classroom.choices import KINDS, ClassroomDecisions
from gmg_sim.classroom.session import Session, SessionError

__all__ = ["KINDS", "ClassroomDecisions", "Session", "SessionError"]
