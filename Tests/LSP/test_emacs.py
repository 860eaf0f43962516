"""Emacs with eglot (Debian's `emacs-nox` and `elpa-eglot`) as the client, in batch mode: opens an
entry, receives diagnostics, completes an id. Skipped when they are not installed."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import LORE

HERE = os.path.dirname(os.path.abspath(__file__))
EGLOT = "/usr/share/emacs/site-lisp/elpa-src"


@pytest.mark.skipif(shutil.which("emacs") is None or not any(d.startswith("eglot") for d in os.listdir(EGLOT) if os.path.isdir(EGLOT))
                    if os.path.isdir(EGLOT) else True,
                    reason="emacs or eglot missing (apt-get install emacs-nox elpa-eglot)")
def test_eglot_receives_diagnostics_and_completes_an_id(repo, tmp_path):
    env = dict(os.environ, LORE=LORE, LORE_REPO=repo.root, HOME=str(tmp_path))
    run = subprocess.run(["emacs", "--batch", "-Q", "-l", os.path.join(HERE, "eglot_client.el")], cwd=repo.root, env=env,
                         timeout=90, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    line = next((l for l in (run.stdout + run.stderr).splitlines() if l.startswith("lore-result: ")), None)
    assert line, run.stdout + run.stderr
    result = json.loads(line[len("lore-result: "):])
    assert result["diagnostics"] == [[6, "eglot-error", "lore [broken-link]: 'related' names LL-0404, which no entry has"]]
    assert result["completion"] == ["LL-0002", "LL-0003"]
