"""Renders nginx.conf.template: `python render.py TEMPLATE OUTPUT`, settings from the environment.

LISTEN_PORT (default 8080), LISTEN_ADDRESS (default: every interface) and UPSTREAMS ("host:port"
addresses, space-separated, default "app:8000") fill `${LISTEN}` and `${UPSTREAM_SERVERS}`.
Only `${NAME}` is a placeholder (nginx's own variables are written `$name`); one left unfilled is
an error, not a silent gap.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def render(template: str, listen_port: int, upstreams: list[str], listen_address: str = "") -> str:
    if not upstreams:
        raise ValueError("UPSTREAMS names no server")
    port = str(int(listen_port))
    values = {
        "LISTEN": f"{listen_address}:{port}" if listen_address else port,
        "UPSTREAM_SERVERS": "\n        ".join(f"server {address};" for address in upstreams),
    }
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: render.py TEMPLATE OUTPUT", file=sys.stderr)
        return 2
    text = render(
        Path(argv[1]).read_text(),
        int(os.environ.get("LISTEN_PORT", "8080")),
        os.environ.get("UPSTREAMS", "app:8000").split(),
        os.environ.get("LISTEN_ADDRESS", ""),
    )
    Path(argv[2]).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
