#!/usr/bin/env python3
"""An example client of Anugerah's API v1, for a Bappeda's programmer.

It does, over HTTP, what the organiser and an OPD's operator do in the browser:

1. as the organiser: finds a competition they organise (for its region), creates this year's
   competition, opens it for submissions, gives the operator the submitter role in it and imports
   draft innovations from a CSV file;
2. as the operator: picks one of their OPD's drafts, uploads a PDF as its evidence and submits it;
3. as anyone, with no token: reads the published results of a competition and prints the winners.

Set three environment variables and run it (``pip install requests`` is all it needs)::

    export ANUGERAH_URL=https://inovasi.contoh.go.id
    export ANUGERAH_ORGANISER_TOKEN=anugerah_...   # scopes read and write
    export ANUGERAH_OPERATOR_TOKEN=anugerah_...    # an OPD operator's; scopes read and write
    python docs/examples/api_client.py

Optional: ANUGERAH_COMPETITION_NAME (the new competition's name). Tokens are made under the
account menu, *Token API*, or with ``flask --app wsgi tokens create`` (docs/examples/curl.md).
It prints the ids as it goes; on any refusal it prints the problem details and exits with 1.
The OpenAPI document of every endpoint: /api/v1/openapi.json, readable at /api/v1/docs.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

WIB = ZoneInfo("Asia/Jakarta")


class Refused(Exception):
    """The API answered with an error: its problem details (RFC 9457) are in the response."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"{response.request.method} {response.url}: {response.status_code}")
        self.response = response


class Api:
    """A thin wrapper: the base URL, the token of whoever acts, and errors raised as Refused."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, *, if_match: str | None = None,
             **kwargs: Any) -> requests.Response:
        headers = {"If-Match": if_match} if if_match else {}
        response = self.http.request(method, self.url + path, headers=headers, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise Refused(response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params).json()

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=body, **kwargs).json()


# A tiny one-page PDF standing in for the scanned decree (SK) an OPD would upload.
def a_pdf(text: str) -> bytes:
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# A rancang bangun (the design of the innovation) needs at least 300 words before submission.
RANCANG_BANGUN = " ".join(
    ["Permasalahan: antrean layanan yang panjang dan data yang tercecer di banyak buku register."]
    + ["Strategi: formulir daring, verifikasi berkas oleh petugas, dan notifikasi status kepada "
       "pemohon melalui pesan singkat, dengan pemantauan kinerja layanan setiap bulan."] * 15)


def innovation_rows(opds: list[str], category: str) -> list[dict[str, str]]:
    """One complete innovation per OPD: complete enough to be submitted once evidence is attached."""
    return [{
        "opd": opd, "title": f"Layanan Daring {opd}", "category": category,
        "inisiator": "perangkat_daerah", "tahapan": "penerapan", "jenis": "digital",
        "bentuk": "pelayanan_publik", "urusan": "Komunikasi dan Informatika",
        "trial_started_on": "2025-02-03", "implemented_on": "2025-08-01", "anggaran_rupiah": "150000000",
        "rancang_bangun": RANCANG_BANGUN, "tujuan": "Mempercepat layanan kepada warga.",
        "manfaat": "Warga tidak perlu datang ke kantor.",
        "hasil": "Waktu layanan turun dari 5 hari menjadi 1 hari.",
    } for opd in opds]


def organiser_steps(organiser: Api, operator_me: dict[str, Any]) -> int:
    """Create, open and fill this year's competition; returns its id."""
    # A competition the token's owner organises tells us the region (GET /competitions is newest first).
    mine = organiser.get("/competitions", per_page=100)["items"]
    region_id = next((c["region_id"] for c in mine if "organiser" in c["roles"]), None)
    if region_id is None:
        raise SystemExit("the organiser's token: its owner organises no competition")
    print(f"region {region_id}")

    # This year's competition, open from now; every moment with its offset (WIB, +07:00).
    now = datetime.now(WIB).replace(second=0, microsecond=0)
    created = organiser.call("POST", "/competitions", json={
        "name": os.environ.get("ANUGERAH_COMPETITION_NAME", f"Lomba Inovasi Daerah {now.year}"),
        "year": now.year, "region_id": region_id,
        "categories": ["Pelayanan Publik", "Tata Kelola Pemerintahan"],
        "submission_opens_at": (now - timedelta(minutes=5)).isoformat(),
        "submission_closes_at": (now + timedelta(days=30)).isoformat(),
        "verification_closes_at": (now + timedelta(days=45)).isoformat(),
        "judging_closes_at": (now + timedelta(days=60)).isoformat()})
    competition_id = created.json()["id"]
    print(f"competition {competition_id} created (phase {created.json()['phase']})")

    # Opening submissions changes the competition: send back the version we read (its ETag).
    opened = organiser.post(f"/competitions/{competition_id}/phase", {"trigger": "open_submissions"},
                            if_match=created.headers["ETag"])
    print(f"competition {competition_id} phase {opened['phase']}")

    # The operator enters and submits innovations of their OPD only with the submitter role in it.
    role = organiser.post(f"/users/{operator_me['id']}/roles",
                          {"competition_id": competition_id, "role": "submitter"})
    print(f"user {operator_me['id']} is {role['role']} (membership {role['id']})")

    # The OPDs of the region, by the names the import expects; the operator's own one first.
    opds = [o["name"] for o in organiser.get(f"/competitions/{competition_id}/organisations",
                                             per_page=100)["items"] if o["parent_id"] is None]
    chosen = [operator_me["organisation"]] + [n for n in opds if n != operator_me["organisation"]][:2]

    # A CSV as a spreadsheet would save it; columns as in docs/examples/innovations-template.csv.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inovasi.csv"
        rows = innovation_rows(chosen, "Pelayanan Publik")
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        with path.open("rb") as file:
            imported = organiser.post(f"/competitions/{competition_id}/innovations/import", None,
                                      files={"file": ("inovasi.csv", file, "text/csv")})
    for draft in imported["created"]:
        print(f"innovation {draft['id']} imported: {draft['title']} ({draft['status']})")
    return competition_id


def operator_steps(operator: Api, me: dict[str, Any], competition_id: int) -> int:
    """Evidence on one of the OPD's drafts, then its submission; returns the innovation's id."""
    drafts = operator.get(f"/competitions/{competition_id}/innovations", status="draft",
                          organisation_id=me["organisation_id"])["items"]
    if not drafts:
        raise SystemExit(f"no draft of {me['organisation']} in competition {competition_id}")
    innovation_id = drafts[0]["id"]

    # Evidence is a file (multipart/form-data) or a link (JSON); here the OPD's decree as a PDF.
    evidence = operator.post(f"/innovations/{innovation_id}/evidence", None, data={
        "title": "SK Kepala Dinas tentang Layanan Daring", "indicator": "Regulasi inovasi daerah"},
        files={"file": ("SK Layanan Daring.pdf", a_pdf("SK Kepala Dinas"), "application/pdf")})
    print(f"evidence {evidence['id']} added to innovation {innovation_id}")

    # Submitting changes the innovation: read its ETag (version) and send it back in If-Match.
    etag = operator.call("GET", f"/innovations/{innovation_id}").headers["ETag"]
    submitted = operator.post(f"/innovations/{innovation_id}/transitions", {"trigger": "submit"},
                              if_match=etag)
    print(f"innovation {innovation_id} {submitted['status']}")
    return innovation_id


def print_published(url: str, competition_ids: list[int]) -> None:
    """The winners of the first of these competitions whose results are published (no token)."""
    anyone = Api(url, None)
    for competition_id in competition_ids:
        try:
            published = anyone.get(f"/competitions/{competition_id}/results/published")
        except Refused as refused:
            if refused.response.status_code == 404:  # not published (yet)
                continue
            raise
        print(f"published results of competition {competition_id}: {published['competition']}, "
              f"version {published['version']}, sha256 {published['sha256']}")
        for award in published["awards"]:
            for winner in award["winners"]:
                print(f"  {award['name']} | {winner['position']} | {winner['subject']} | {winner['score']}")
        return
    print("no competition of the region has published results yet")


def main() -> int:
    try:
        url = os.environ["ANUGERAH_URL"]
        organiser = Api(url, os.environ["ANUGERAH_ORGANISER_TOKEN"])
        operator = Api(url, os.environ["ANUGERAH_OPERATOR_TOKEN"])
    except KeyError as missing:
        print(f"set the environment variable {missing}", file=sys.stderr)
        return 2
    try:
        me = operator.get("/me")  # the operator's id and OPD
        if me["organisation_id"] is None:
            raise SystemExit(f"the operator's token: {me['email']} belongs to no OPD")
        print(f"operator {me['id']}: {me['name']} of {me['organisation']}")
        competition_id = organiser_steps(organiser, me)
        operator_steps(operator, me, competition_id)
        ids = [c["id"] for c in organiser.get("/competitions", per_page=100)["items"]]
        print_published(url, ids)
    except Refused as refused:
        print(refused, file=sys.stderr)
        try:
            print(json.dumps(refused.response.json(), indent=2, ensure_ascii=False), file=sys.stderr)
        except ValueError:
            print(refused.response.text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
