"""The files of this repository as a commit of the checkout would hold them, for tests that read
or copy the whole project (links in the docs, no trademark, a fresh checkout for `make run`)."""

import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def repository_files() -> tuple[Path, ...]:
    """Tracked files and new ones not ignored (what a commit of this checkout would hold)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        # No git (a copy without .git): every file but the usual untracked directories.
        skipped = {".git", ".venv", "var", "staticfiles", "__pycache__", "node_modules"}
        paths = [
            path
            for path in ROOT.rglob("*")
            if not skipped & set(path.relative_to(ROOT).parts)
            and not any(part.endswith(".egg-info") for part in path.parts)
        ]
    return tuple(sorted(path for path in paths if path.is_file()))
