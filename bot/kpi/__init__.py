"""Figures (指标) and the monthly report.

- :mod:`bot.kpi.period`, :mod:`bot.kpi.worktime`, :mod:`bot.kpi.facts`, :mod:`bot.kpi.measure`,
  :mod:`bot.kpi.figures`, :mod:`bot.kpi.labels`: pure — order facts in, figures out
  (``compute(facts, sla, period) -> Figures``, ``summarize(...)`` for a page);
- :mod:`bot.kpi.load`: reads the facts of a period from the database (SQLAlchemy Core);
- :mod:`bot.kpi.sheets`, :mod:`bot.kpi.report`: the monthly XLSX workbook;
  :mod:`bot.kpi.cli`: ``mulin report monthly``.

Definitions: docs/kpi.md.
"""
