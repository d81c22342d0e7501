"""Execute the analysis notebook against the marts; optionally save its charts and an HTML rendering.

`make report` runs this with --report-dir reports: every chart becomes reports/<chart>.png and the executed
notebook reports/ecommerce_analysis.html (git-ignored: only the charts the README shows are committed). The
committed notebook itself stays without outputs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT_ROOT / "notebooks" / "ecommerce_analysis.ipynb"


def execute_notebook(notebook: Path, env: dict[str, str], timeout_s: int = 300):
    """Run every cell in a fresh kernel (cwd = project root); a cell error raises CellExecutionError."""
    import nbformat
    from nbclient import NotebookClient

    document = nbformat.read(notebook, as_version=4)
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(
            document, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(PROJECT_ROOT)}}
        ).execute()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return document


def export_html(document, destination: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(document)
    destination.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--report-dir", type=Path, default=None, help="write every chart as PNG and the executed notebook as HTML here"
    )
    parser.add_argument(
        "--serving-path",
        type=Path,
        default=None,
        help="the published marts file (default: ECOMMERCE_SERVING_PATH or serving/ecommerce_marts.duckdb)",
    )
    args = parser.parse_args(argv)
    env: dict[str, str] = {}
    if args.serving_path:
        env["ECOMMERCE_SERVING_PATH"] = str(args.serving_path.resolve())
    if args.report_dir:
        args.report_dir.mkdir(parents=True, exist_ok=True)
        env["ECOMMERCE_REPORT_DIR"] = str(args.report_dir.resolve())
    from nbclient.exceptions import CellExecutionError

    try:
        document = execute_notebook(NOTEBOOK, env)
    except CellExecutionError as error:
        print(f"error: the notebook failed: {str(error).strip().splitlines()[-1]}", file=sys.stderr)
        return 1
    if args.report_dir:
        export_html(document, args.report_dir / "ecommerce_analysis.html")
        charts = sorted(path.name for path in args.report_dir.glob("*.png") if not path.name.startswith("docs_"))
        print(f"wrote {len(charts)} charts and ecommerce_analysis.html to {args.report_dir}: {', '.join(charts)}")
    else:
        print("notebook executed without errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
