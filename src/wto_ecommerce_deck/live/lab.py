"""JupyterLab as `make present` starts it (`python -m wto_ecommerce_deck.live.lab …`, LiveServer):
`jupyterlab`'s own entry point, without one import that costs its start half its CPU time.

jupyter_server imports jupyter_events, which imports jsonschema's format checkers; when the
`rfc3987-syntax` distribution is installed (it is: jsonschema[format-nongpl], through nbformat),
jsonschema imports it, and it builds three Earley parsers of the RFC 3987 grammar with Lark at
import time. Measured here (2 cores): 1.3–1.5 CPU seconds of the server's 3.3–3.9 s before it
answers. It is only used to check the `iri` and `iri-reference` formats, which no schema of
Jupyter's server or of JupyterLab uses (python-jsonschema/jsonschema#1428,
https://github.com/python-jsonschema/jsonschema/issues/1428; opendatahub-io/notebooks#3532).
`None` in `sys.modules` makes that import fail as if the package were absent: jsonschema then
leaves those two formats unchecked, in this process only.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)

from jupyterlab.labapp import main  # noqa: E402 — after the line above, on purpose

if __name__ == "__main__":
    sys.exit(main())
