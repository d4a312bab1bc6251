"""What the vocabulary builders share: the TOML spelling of a value, and the letter/digit runs of a name."""

from __future__ import annotations

import re


def toml(value: object) -> str:
    """`value` (bool, str, or a list of them) as a TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def runs(text: str) -> list[str]:
    """The letter and digit runs (and "+") the mention finder matches a name by: "ResNet50" is "ResNet-50" to it,
    "UNet" is not "U-Net", so a spelling with other runs must be listed to be found in text."""
    return re.findall(r"[a-z]+|[0-9]+|\+", text.casefold())
