"""No company's trademark in the product: each installation shows its own brand (README
"Branding"). The word is put together here, so that this file does not hold it either."""

from tests.repository import ROOT, repository_files

# The wallet whose name the helpdesk once carried, matched in any case.
TRADEMARK = ("go" + "pay").encode()


def test_no_file_of_the_repository_names_the_trademark():
    files = repository_files()
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if TRADEMARK in str(path.relative_to(ROOT)).lower().encode()
        or TRADEMARK in path.read_bytes().lower()
    ]

    assert len(files) > 100, "the listing found too few files to mean anything"
    assert offenders == []
