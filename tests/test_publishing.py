"""What lets the course run away from this repository: Binder's build files and the launch buttons."""

from __future__ import annotations

import os
import re

import yaml
from notebooks import ROOT

BINDER = ROOT / "binder"


def pins(path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z][\w.-]*)==([\w.]+)", path.read_text(encoding="utf-8"), flags=re.M))


def test_binder_installs_the_pinned_versions_of_what_the_notebooks_import():
    mine, root = pins(BINDER / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert {"tensorflow-cpu", "keras", "numpy", "matplotlib", "ipykernel"} <= set(mine)
    assert {name: root.get(name) for name in mine} == mine


def test_binder_uses_the_python_the_outputs_were_made_with_and_installs_the_package():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK) and "pip install --no-deps" in post.read_text()


def test_the_book_offers_colab_and_binder_launch_buttons():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    buttons = config["launch_buttons"]
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert config["repository"]["url"].startswith("https://github.com/")
