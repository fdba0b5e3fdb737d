"""The demo's competitions exported once per module, for the backup tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backups.helpers import add_evidence_to_demo, other_app, run, typed_values
from tests.conftest import copy_database, drop_database


@dataclass(frozen=True)
class Exported:
    first: Path            # last year's competition (1), sealed and published
    second: Path           # the current one (2), with an uploaded PDF
    sha256: str            # the PDF's
    typed: list[object]    # typed_values() of the demo


@pytest.fixture(scope="module")
def exported(demo_template, tmp_path_factory) -> Iterator[Exported]:
    """The demo's two competitions exported once for the module, from a copy of the demo."""
    tmp = tmp_path_factory.mktemp("exported")
    url = copy_database(demo_template.url, "export", tmp)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ANUGERAH_INSTANCE_PATH", str(tmp / "instance"))
        with other_app(url, tmp / "evidence", create=False) as source:
            sha256 = add_evidence_to_demo()
            typed = typed_values()
            for competition_id in (1, 2):
                path = tmp / f"{competition_id}.zip"
                result = run(source, "export-competition", str(competition_id), str(path))
                assert result.exit_code == 0, result.output
    drop_database(url)
    yield Exported(tmp / "1.zip", tmp / "2.zip", sha256, typed)


