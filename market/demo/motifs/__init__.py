"""Motifs for illustrated product photos, by name (``oranges``, ``tea``, ``brocade``...)."""

from collections.abc import Callable

from market.demo.canvas import Canvas
from market.demo.motifs import craft, drinks, fruit, pantry, scenes

Motif = Callable[[Canvas, str | None], None]

MOTIFS: dict[str, Motif] = {
    "oranges": fruit.oranges,
    "pomelos": fruit.pomelos,
    "persimmons": fruit.persimmons,
    "melons": fruit.melons,
    "tea": drinks.tea,
    "honey": drinks.honey,
    "bottles": drinks.bottles,
    "herbs": drinks.herbs,
    "noodles": pantry.noodles,
    "rice": pantry.rice,
    "gai_cakes": pantry.gai_cakes,
    "khao_cakes": pantry.khao_cakes,
    "dried_meat": pantry.dried_meat,
    "fish": pantry.fish,
    "bamboo_shoots": pantry.bamboo_shoots,
    "sauce": pantry.sauce,
    "mushrooms": pantry.mushrooms,
    "brocade": craft.brocade,
    "bags": craft.bags,
    "orchids": craft.orchids,
    "peach_blossom": craft.peach_blossom,
    "bonsai": craft.bonsai,
    "homestay": scenes.homestay,
    "tour": scenes.tour,
}
