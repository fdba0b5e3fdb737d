"""A realistic demo: Kota Kediri with its OPDs, two competitions and innovations in every status.

:func:`load_demo` builds, on an empty database and through the services wherever one exists,
the story the files in ``competition/demo/data`` tell:

- the region Kota Kediri and 35 organisations (dinas, badan, puskesmas under Dinas Kesehatan,
  kecamatan with a kelurahan under each of two of them, bagian under the Sekretariat Daerah)
  (``organisations.toml``);
- one user per role through ``create_user`` (organiser at Bappeda, verifier at Inspektorat, an
  academic judge with no organisation, the Diskominfo operator as submitter), plus one operator
  per other OPD that has innovations, since only an OPD's own operators may enter and submit its
  innovations (``people.toml``);
- last year's competition, taken through its whole timeline (``competitions.toml``): twelve
  innovations submitted, ten verified (two after a revision) and two rejected
  (``last_year_innovations.toml``); the ten judged for real in one round, "Presentasi dan
  wawancara" (the 2023 IGA rubric, three judges: the demo judge, another academic and a
  practitioner, the last two not among the printed sign-ins), each judge saving and confirming
  scores per criterion, with comments here and there and one entry on which the judges clearly
  disagree (``judging.toml``); the results sealed, then published at the Hari Jadi Kota Kediri
  ceremony, where the award "OPD Terinovatif" went to, in this order, Dinas Komunikasi dan
  Informatika, Puskesmas Ngletih, Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu, Badan
  Perencanaan Pembangunan Daerah and Dinas Pendidikan: their innovations are awarded, the other
  five stay scored. The competition was then **closed** (a year later nothing about it is still
  open, so leaving it in "results" would be the unrealistic choice);
- this year's competition, open for submissions around ``now``, with forty innovations from
  twenty-eight OPDs in draft, submitted, returned, verified, rejected and withdrawn
  (``this_year_innovations.toml``).

Every phase and status change goes through ``change_competition_phase``,
``change_entry_status`` or the judging and results services (``confirm_scores``,
``close_round``, ``seal_results``, ``publish_results``) with a ``now`` inside the right window,
fired in chronological order across all entries, on working days and in office hours (WIB);
see :mod:`competition.demo.loader`.

The content is fixed: the texts, the judges' values and the moments (as fractions of each
phase's working time) are in the data files, and only the dates move with ``now``. The demo is
meant for an empty database; the caller commits.
"""

from competition.demo.loader import (
    DEMO_PASSWORD,
    EMAIL_DOMAIN,
    REGION_NAME,
    DemoSummary,
    load_demo,
    read_data,
)

__all__ = ["DEMO_PASSWORD", "EMAIL_DOMAIN", "REGION_NAME", "DemoSummary", "load_demo", "read_data"]
