"""`litextract verify`: rebuild the backbones papers name and check what they claim about them.

PyTorch, torchvision, timm and MONAI come with the optional `[verify]` extra. Nothing outside this package
imports them, and the modules here that need them import them only when used, so `missing_extra()` can tell
a person what to install before anything fails.
"""

from __future__ import annotations

import importlib.util

EXTRA_MODULES = ("torch", "torchvision", "timm", "monai", "einops", "nibabel")
INSTALL_LINE = "litextract verify needs the [verify] extra: pip install 'litextract[verify]' (or -e '.[verify]')"


def missing_extra(modules: tuple[str, ...] = EXTRA_MODULES) -> str | None:
    """The one-line install hint when a module of the `[verify]` extra cannot be imported, else None."""
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return f"{INSTALL_LINE}; missing: {name}"
    return None
