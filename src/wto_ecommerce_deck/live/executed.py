"""The live deck as its last run left it, executed, kept for the next `make present`.

`make present` opens the slideshow on a notebook whose outputs are already saved (every plot is
drawn from them, docs/maintainers.md « Why the live deck is shipped executed »). Running the deck
to get them is most of the wait before the first slide; those outputs only change when what
made them changes. So each run that executes the deck keeps the result here, in
`live/<lang>/.executed/` (a hidden folder: JupyterLab does not list it), with the key of
everything it was made from; the next run whose key is the same copies it back into place and
opens the slideshow at once, while the kernel runs the same cells again, only to hold the
widgets' models (their ids are stable: `widgets_export.stable_ids`).

The key is conservative, computed with the standard library in milliseconds (no nbformat, no
plotly in the `make present` process): the content of every file below notebooks/ and assets/
(the sections, their translations, the data, the theme, the message catalogues), the package's
code, the Python and the installed distributions (`pipeline/cache.environment_key`), the npm
packages' lock (fonts, topojson, plotly.js locales), the language, the repository's path and the
map's topojson URL. Any change there makes the next run execute the deck again, as before this
cache existed. The copy the slideshow opens may be rewritten by JupyterLab while it runs
(autosave); the kept copy is never served, and goes back into place, byte for byte, at each start.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..pipeline import cache

FORMAT = "wto-live-deck-1"
FOLDER = ".executed"
MANIFEST = "deck.json"
NPM_LOCK = Path("node_modules") / ".package-lock.json"


def deck_key(root: Path, live_dir: Path, lang: str, topojson_url: str) -> str:
    """The key of everything the executed live deck and its stylesheets are made from."""
    return cache.digest_json(
        {
            "format": FORMAT,
            "lang": lang,
            "root": str(root),
            "live_dir": str(live_dir),
            "topojson_url": topojson_url,
            "environment": cache.environment_key(),
            "notebooks": cache.digest_tree(root / "notebooks"),
            "assets": cache.digest_tree(root / "assets"),
            "npm": cache.digest_file(root / NPM_LOCK),
        }
    )


@dataclass
class Store:
    """The executed deck kept in `live_dir/.executed/`: the notebook and the files beside it."""

    live_dir: Path
    names: tuple[str, ...]  # the files of live_dir the slideshow reads, the executed notebook first

    @property
    def folder(self) -> Path:
        return self.live_dir / FOLDER

    def _manifest(self) -> dict | None:
        try:
            value = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) and value.get("format") == FORMAT else None

    def restore(self, key: str) -> bool:
        """Put the kept files back into live_dir when they were made from `key`; False otherwise."""
        manifest = self._manifest()
        if not manifest or manifest.get("key") != key or sorted(manifest.get("files", {})) != sorted(self.names):
            return False
        for name, digest in manifest["files"].items():
            if cache.digest_file(self.folder / name) != digest:
                return False
        for name, digest in manifest["files"].items():
            target = self.live_dir / name
            if cache.digest_file(target) != digest:
                tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
                shutil.copyfile(self.folder / name, tmp)
                os.replace(tmp, target)
        return True

    def forget(self) -> None:
        (self.folder / MANIFEST).unlink(missing_ok=True)

    def keep(self, key: str) -> None:
        """Keep live_dir's files as they are now (the deck just executed), made from `key`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for name in self.names:
            shutil.copyfile(self.live_dir / name, self.folder / name)
            files[name] = cache.digest_file(self.folder / name)
        manifest = {"format": FORMAT, "key": key, "files": files}
        tmp = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)  # last: a run stopped half-way keeps nothing
