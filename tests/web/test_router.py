"""The web app's files: served from the package, with no asset from another origin."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from aianimals.web.router import static_directory

EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//|@import\s+url\(|from\s+["']https?:""")


def test_every_static_file_is_served_with_its_type(client: TestClient) -> None:
    types = {".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html"}
    files = [path for path in static_directory().rglob("*") if path.is_file()]
    assert len(files) >= 10
    for path in files:
        relative = path.relative_to(static_directory()).as_posix()
        response = client.get(f"/app/{relative}")
        assert response.status_code == 200, relative
        assert types[path.suffix] in response.headers["content-type"], relative


def test_no_file_loads_anything_from_another_origin() -> None:
    for path in static_directory().rglob("*"):
        if path.is_file():
            assert not EXTERNAL.search(path.read_text(encoding="utf-8")), path.name


def test_javascript_modules_import_only_files_that_exist() -> None:
    imports = re.compile(r"""from\s+"(\.{1,2}/[^"]+)";""")
    for path in static_directory().rglob("*.js"):
        for target in imports.findall(path.read_text(encoding="utf-8")):
            assert (path.parent / target).resolve().is_file(), f"{path.name} imports {target}"


def test_a_missing_app_file_is_a_404(client: TestClient) -> None:
    assert client.get("/app/js/nothing.js").status_code == 404
