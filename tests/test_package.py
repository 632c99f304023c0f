"""The wheel: rules ship inside it and load from any working directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("boilerclean-*.whl")
    return found


def test_wheel_contains_rules_and_entry_point(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packs = {Path(n).name for n in names if n.startswith("cleaner/_rules/")}
    assert {"common.yaml", "benzinga.yaml"} <= packs
    assert "cleaner/py.typed" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "clean = cleaner.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_wheel_cleans_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    article = elsewhere / "a.txt"
    article.write_text(
        "The plant reopened after the strike.\nPhoto: Shutterstock\n", encoding="utf-8"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import cleaner, sys; "
            "assert cleaner.__file__.startswith(sys.argv[1]), cleaner.__file__;"
            "from cleaner.cli import main; raise SystemExit(main(['--explain', sys.argv[2]]))",
            str(target),
            str(article),
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "The plant reopened after the strike.\n"
    assert (
        "_rules"
        in subprocess.run(
            [
                sys.executable,
                "-c",
                "from cleaner.ruleset import builtin_rules_dir as b; print(b())",
            ],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_packs_load_from_the_wheel_as_a_zip_on_the_path(wheel: Path, tmp_path: Path) -> None:
    """Spark's --py-files and zipapps import the package from a zip: the packs come too."""
    env = {"PYTHONPATH": str(wheel), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import cleaner, sys; "
            "assert cleaner.__file__.startswith(sys.argv[1]), cleaner.__file__; "
            "c = cleaner.Cleaner(); "
            "print(len(c.ruleset.packs), c.clean('Fire crews arrived.\\nNow Read: more', "
            "publisher='benzinga').text)",
            str(wheel),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    count, text = run.stdout.split(" ", 1)
    assert int(count) > 50
    assert text == "Fire crews arrived.\n"
