"""Tiny wheels that stand in for the project in update tests: a `kiosk` command whose selfcheck passes or
fails as told, and one locked dependency, so that installing a release takes seconds, not minutes."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

DEPENDENCY = ("kioskdep", "1.0")

_CLI = """
import os, sys, time
from pathlib import Path

from kiosk import __version__, BEHAVIOUR


def main():
    args = sys.argv[1:]
    if args == ["--version"]:
        print(__version__)
        return 0
    home = Path(args[args.index("--home") + 1]) if "--home" in args else Path(os.environ.get("KIOSK_HOME", "."))
    if "selfcheck" in args:
        import kioskdep  # the locked dependency must be installed in this release's venv
        (home / "selfcheck-ran-here").write_text(__version__)
        if BEHAVIOUR == "sick" or not (home / "catalog.sqlite3").is_file():
            print("selfcheck failed: the home screen never showed", file=sys.stderr)
            return 1
        time.sleep(float(os.environ.get("FAKE_SELFCHECK_SECONDS", "0")))
        return 0
    return 0


def main_exit():
    sys.exit(main())
"""


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel(out: Path, name: str, version: str, files: dict[str, str], requires: list[str], scripts: str = "") -> Path:
    dist = f"{name.replace('-', '_')}-{version}.dist-info"
    files = dict(files)
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires
    )
    files[f"{dist}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: wheelkit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if scripts:
        files[f"{dist}/entry_points.txt"] = scripts
    record = [f"{path},{_record_hash(text.encode())},{len(text.encode())}" for path, text in files.items()]
    files[f"{dist}/RECORD"] = "\n".join([*record, f"{dist}/RECORD,,"]) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_in_zip, text in files.items():
            archive.writestr(zipfile.ZipInfo(name_in_zip, (2026, 1, 1, 0, 0, 0)), text)
    return path


def fake_project_wheel(out: Path, version: str, behaviour: str = "good") -> Path:
    """disclosure-kiosk VERSION: `kiosk --version` prints it; `kiosk selfcheck` passes ("good") or not ("sick")."""
    return _wheel(
        out,
        "disclosure-kiosk",
        version,
        {
            "kiosk/__init__.py": f"__version__ = {version!r}\nBEHAVIOUR = {behaviour!r}\n",
            "kiosk/cli.py": _CLI,
        },
        [f"{DEPENDENCY[0]}=={DEPENDENCY[1]}"],
        "[console_scripts]\nkiosk = kiosk.cli:main_exit\n",
    )


def dependency_wheels(out: Path) -> Path:
    _wheel(out, DEPENDENCY[0], DEPENDENCY[1], {"kioskdep/__init__.py": "LOCKED = True\n"}, [])
    return out
