"""The plan facts a return is checked against (departments, villages, groups, tasks …), as plain data."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from etl.spec import DEFAULT_THRESHOLDS, Column


@dataclass(frozen=True)
class PlanContext:
    """What the current plan allows; built from the plan tables, or sheet by sheet while a plan is checked."""

    departments: dict[str, dict] = field(default_factory=dict)
    villages: dict[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    items: tuple[dict, ...] = ()
    population: tuple[dict, ...] = ()

    @classmethod
    def empty(cls) -> "PlanContext":
        return cls()

    def allowed(self, plan_values: str | None) -> tuple[str, ...]:
        """The names a plan column may hold ('villages' → the plan's villages …)."""
        return {"departments": tuple(self.departments), "villages": tuple(self.villages),
                "groups": self.groups, "tasks": self.tasks, "phases": self.phases}.get(plan_values or "", ())

    def extended(self, alias: str, records: list[dict]) -> "PlanContext":
        """This context with one more plan sheet's rows (a plan is checked against its own earlier sheets)."""
        good = [r for r in records if all(r.get(k) is not None for k in ("department", "village", "group",
                                                                           "task", "phase") if k in r)]
        if alias == "departments":
            return replace(self, departments={r["department"]: r for r in good})
        if alias == "villages":
            return replace(self, villages={r["village"]: r["residence"] for r in good})
        if alias == "groups":
            return replace(self, groups=tuple(r["group"] for r in good))
        if alias == "tasks":
            return replace(self, tasks=tuple(str(r["task"]) for r in good))
        if alias == "phases":
            return replace(self, phases=tuple(r["phase"] for r in good))
        if alias == "items":
            return replace(self, items=tuple(good))
        if alias == "population":
            return replace(self, population=tuple(good))
        if alias == "scoring":
            return replace(self, thresholds={**DEFAULT_THRESHOLDS,
                                             **{r["tier"]: r["min_score"] for r in good if r.get("min_score") is not None}})
        return self

    def item_columns(self) -> tuple[Column, ...]:
        """Columns for item answers (K01, M02 …) when the plan has a 题库."""
        return tuple(Column(str(i["item"]), f"item:{i['item']}", "text") for i in self.items)

    @cached_property
    def _population_index(self) -> dict:
        index: dict = {}
        for r in self.population:
            n = int(r["population"] or 0)
            for key in ((r["village"], r["group"]), (r["village"], None), (None, r["group"]), (None, None)):
                index[key] = index.get(key, 0) + n
        return index

    def population_of(self, village: str | None, group: str | None) -> int | None:
        """Residents of `group` in `village` (全镇 / 社会公众 mean all); None without a 人口 sheet."""
        if not self.population:
            return None
        key = (None if village in (None, "全镇") else village, None if group in (None, "社会公众") else group)
        return self._population_index.get(key, 0)
