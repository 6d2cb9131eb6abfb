"""The monthly rules, one module each, called by :class:`~gmg_sim.model.GMGModel` in order.

===================  ==========================================================
``membership``       agencies enter on their join dates; optional exits
``budget``           annual participation budgets, the pooled budget
``states``           member states' openness over the years
``chair``            terms, declines, vacancies, contests, agenda, hand-overs
``chair_rules``      selection rules as strategy objects (volunteer, fixed order, ...)
``meetings``         working-level and principals' meetings, the decision queue
``drafting``         joint statements negotiated round by round
``decision_rules``   how a statement is adopted, as strategy objects (consensus, ...)
``products``         reports and working groups
``secretariat``      proposals for a permanent secretariat and its effects
``gfmd``             the state-led forum: hosts, requests, support structure
``designs``          alternative designs (lead agency / WMO, facility, extra layer)
``relations``        rivalry and the trust network
``engagement``       each member's investment in the group
``decisions``        the agencies' own choices, one named function each
===================  ==========================================================

Money moves only through the :class:`~gmg_sim.mechanisms.budget.Ledger`
(``model.ledger``; the pool pays first, then the agencies). Each mechanism owns
its state and writes no other's: others ask it through small methods (e.g.
``chair.on_member_left``, ``relations.add_tension``, ``design.clears``);
``GMGModel`` keeps read-only properties (``model.trust``, ``model.engagement``,
``model.budget_left``, ...) for the public API.

Each mechanism is a small class built from the model (``__init__(model)``)
with a ``step(model)`` method; its pure rules are module-level functions that
tests call with small arrays. Every rule's docstring names the passage of the
sources it models or says it is an assumption (``docs/odd.md``).

A mechanism with nothing to do until a later month sets ``idle_until`` to it (the
model skips its step before then); :data:`NEVER` is a month that never comes.
Constants that monthly array arithmetic combines with 16-element arrays are
:func:`scalar` values.
"""

import numpy as np

#: An ``idle_until`` that never comes (no run reaches this month index).
NEVER = 1 << 40


def scalar(value: float) -> np.ndarray:
    """``value`` as a read-only 0-d float64 array, for arithmetic with small arrays.

    numpy combines an array with a 0-d array with less overhead than with a Python
    float, and the result is the same float64 (a float64 operand either way).
    """
    out = np.array(value, dtype=np.float64)
    out.flags.writeable = False
    return out


#: 0 and 1 as :func:`scalar` values (clipping to [0, 1]).
ZERO, ONE = scalar(0.0), scalar(1.0)
