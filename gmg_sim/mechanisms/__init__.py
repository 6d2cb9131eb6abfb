"""The monthly rules, one module each, called by :class:`~gmg_sim.model.GMGModel` in order.

=================  ==========================================================
``membership``     agencies enter on their join dates; optional exits
``budget``         annual participation budgets, the pooled budget
``states``         member states' openness over the years
``chair``          selection rules, declines, vacancies, contests, agenda
``meetings``       working-level and principals' meetings, the decision queue
``drafting``       joint statements negotiated round by round
``products``       reports and working groups
``secretariat``    proposals for a permanent secretariat and its effects
``gfmd``           the state-led forum: hosts, requests, support structure
``designs``        alternative designs (lead agency / WMO, facility, extra layer)
``relations``      rivalry and the trust network
``engagement``     each member's investment in the group
=================  ==========================================================

Each mechanism is a small class built from the model (``__init__(model)``)
with a ``step(model)`` method; its pure rules are module-level functions that
tests call with small arrays. Every rule's docstring names the passage of the
sources it models or says it is an assumption (``docs/odd.md``).
"""
