#!/usr/bin/env python3
"""Writes a tabular replay file with known redundancy, mixing numeric and categorical features.

    python3 scripts/planted_mixed.py > planted.jsonl
    ./featuremon replay --input planted.jsonl --out out/planted --set window.size=1d --set mask.linearCombinations=true

Planted: x1_cm = 100 * x1 (a scaled copy); x4 = x2 + x3 (a linear combination); color_code renames color's values;
zone_tax is a function of zone; constant is always 7; dead is non-zero in 0.2% of rows. Independent: y, channel.
A correct mask drops exactly one member of {x1, x1_cm}, {x2, x3, x4}, {color, color_code}, {zone, zone_tax}, plus
constant and dead, and nothing else.
"""
import json
import random

rng = random.Random(11)
colors, codes = ["red", "green", "blue", "black"], ["R", "G", "B", "K"]
zones, tax = ["north", "south", "east"], [0.07, 0.19, 0.11]
for i in range(3000):
    x1, x2, x3 = rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 1)
    c, z = rng.randrange(4), rng.randrange(3)
    features = {"x1": x1, "x1_cm": 100 * x1, "x2": x2, "x3": x3, "x4": x2 + x3, "y": rng.gauss(0, 1),
                "color": colors[c], "color_code": codes[c], "zone": zones[z], "zone_tax": tax[z],
                "channel": rng.choice(["web", "app"]), "constant": 7.0, "dead": 1.0 if i % 500 == 0 else 0.0}
    print(json.dumps({"type": "features", "model": "planted", "timestamp": 1767225600000 + i * 1000,
                      "features": features}))
