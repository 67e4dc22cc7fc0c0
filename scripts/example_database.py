"""Make the example series' SQLite database from its SQL: content/数据/民生统计.sql → 民生统计.sqlite.

    .venv/bin/python scripts/example_database.py [content]

`make demo` and `make test` run it; the test suite and `zhuanbao init --example` make it too
(zhuanbao.scaffold.make_example_database). The .sqlite file is not kept in the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

from zhuanbao.scaffold import make_example_database

if __name__ == "__main__":
    for made in make_example_database(Path(sys.argv[1] if len(sys.argv) > 1 else "content")):
        print(f"已生成：{made}")
