"""The panel's menu of model views: each declared with its menu, its name and a weight.

The built-in views are listed in admin_views/__init__.py and weigh 10, 20, 30 … in the order of
their menu; a view registered with `register_model_view` takes its place among them by weight,
in a menu of its own if it names a new one (after the built-in menus)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    category: str
    name: str
    view_class: type
    model: type
    weight: int
    endpoint: str | None = None  # the model's name in lower case unless said


MODEL_VIEWS: list[MenuEntry] = []


def register_model_view(model, *, category: str, name: str, weight: int, endpoint=None):
    def register(view_class: type) -> type:
        MODEL_VIEWS.append(MenuEntry(category, name, view_class, model, weight, endpoint))
        return view_class

    return register


def weighed(builtin: list[tuple[str, str, type, type]]) -> list[MenuEntry]:
    """The built-in (menu, name, view, model) lines as entries weighing 10, 20 … per menu."""
    placed: dict[str, int] = {}
    entries = []
    for category, name, view_class, model in builtin:
        placed[category] = placed.get(category, 0) + 10
        entries.append(MenuEntry(category, name, view_class, model, placed[category]))
    return entries


def in_menu_order(entries: list[MenuEntry]) -> list[MenuEntry]:
    """Menus in the order they first appear, each menu's entries by weight."""
    menus = list(dict.fromkeys(entry.category for entry in entries))
    return sorted(entries, key=lambda entry: (menus.index(entry.category), entry.weight))
