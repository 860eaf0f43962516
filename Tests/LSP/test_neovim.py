"""A headless Neovim (Debian's `neovim`) as the client: opens an entry, receives diagnostics for
its unsaved text, completes an id."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import LORE

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim missing (make lsp-deps installs Debian's neovim)")
def test_neovim_receives_diagnostics_and_completes_an_id(repo, tmp_path):
    out = tmp_path / "nvim.json"
    env = dict(os.environ, LORE=LORE, LORE_REPO=repo.root, LORE_NVIM_OUT=str(out), HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    subprocess.run(["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile " + os.path.join(HERE, "neovim_client.lua")],
                   cwd=repo.root, env=env, timeout=60, check=False, stdin=subprocess.DEVNULL, capture_output=True)
    result = json.loads(out.read_text())
    assert result["errors"] == []
    assert result["diagnostics"] == [{
        "lnum": 5, "col": 19, "end_col": 26, "severity": 1, "code": "broken-link",
        "message": "'related' names LL-0404, which no entry has"}]
    assert result["completion"] == [
        {"label": "LL-0002", "detail": "Pin connection pool sizes — superseded", "newText": "LL-0002"},
        {"label": "LL-0003", "detail": "Size connection pools from measured load — active", "newText": "LL-0003"},
    ]
    assert result["exit_code"] == 0
