"""Wheel build hook: the npm files c360 serves go into the wheel under web/vendor/.

Runs scripts/vendor_web.py (which runs `npm ci` when web/node_modules lacks them), so a wheel
built from a clean clone serves GraphiQL and the customer map with no CDN. Editable installs
skip it: scripts/bootstrap vendors the files into the checkout itself.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class VendorWebAssets(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        script = Path(self.root) / "scripts" / "vendor_web.py"
        spec = importlib.util.spec_from_file_location("vendor_web", script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.vendor(Path(self.root) / "web")
