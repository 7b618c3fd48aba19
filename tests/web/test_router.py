"""The web app's files: served from the package, with no asset from another origin."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from aianimals.web.router import IMMUTABLE, assets_prefix, static_directory

EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//|@import\s+url\(|from\s+["']https?:""")


def test_every_static_file_is_served_with_its_type(client: TestClient) -> None:
    types = {".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html"}
    files = [path for path in static_directory().rglob("*") if path.is_file()]
    assert len(files) >= 10
    for path in files:
        relative = path.relative_to(static_directory()).as_posix()
        response = client.get(f"{assets_prefix()}/{relative}")
        assert response.status_code == 200, relative
        assert types[path.suffix] in response.headers["content-type"], relative
        assert response.headers["cache-control"] == IMMUTABLE


def test_the_page_points_at_this_build_and_preloads_every_module(client: TestClient) -> None:
    page = client.get("/").text
    prefix = assets_prefix()
    assert f'<script type="module" src="{prefix}/js/main.js">' in page
    assert '"/app/js/' not in page
    for module in static_directory().rglob("*.js"):
        relative = module.relative_to(static_directory()).as_posix()
        preloaded = f'<link rel="modulepreload" href="{prefix}/{relative}">' in page
        classic = f'<script src="{prefix}/{relative}">' in page
        assert preloaded != classic, relative  # a classic script is fetched once, as itself


def test_the_language_is_known_before_the_first_paint(client: TestClient) -> None:
    page = client.get("/").text
    head = page.split("</head>")[0]
    assert f'<script src="{assets_prefix()}/js/lang.js"></script>' in head
    assert '<span data-i18n="nav.search">さがす</span>' in page  # the default language


def test_the_build_id_changes_with_any_file(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("export const a = 1;")
    before = assets_prefix(tmp_path)
    (tmp_path / "a.js").write_text("export const a = 2;")
    assert assets_prefix(tmp_path) != before


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
    assert client.get(f"{assets_prefix()}/js/nothing.js").status_code == 404
    assert client.get("/app/js/main.js").status_code == 404  # only this build's URLs
