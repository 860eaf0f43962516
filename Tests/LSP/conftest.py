"""Shared pieces of the `lore lsp` tests: the lore binary, a fresh repository per test."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from fixture_repo import make_repo  # noqa: E402

LORE = os.environ.get("LORE") or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "lore")
LORE = os.path.abspath(LORE)
TODAY = "2025-06-01"


@pytest.fixture
def repo(tmp_path):
    """A memory repository (see fixture_repo.py); `repo.trailer_commit` is the commit with `Lore: PM-0001`."""
    root = tmp_path / "memory"
    root.mkdir()
    commit = make_repo(root)
    return Repo(str(root), commit)


class Repo:
    def __init__(self, root, trailer_commit):
        self.root = root
        self.trailer_commit = trailer_commit

    def uri(self, path):
        return "file://" + self.root + "/" + path

    def path(self, path):
        return os.path.join(self.root, path)

    def read(self, path):
        with open(self.path(path), encoding="utf-8") as f:
            return f.read()

    def write(self, path, text):
        full = self.path(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
