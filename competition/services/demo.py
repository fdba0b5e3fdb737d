"""A realistic demo: Kota Kediri with its OPDs, two competitions and innovations in every status.

:func:`load_demo` builds, on an empty database and through the services wherever one exists:

- the region Kota Kediri and 35 organisations (dinas, badan, puskesmas under Dinas Kesehatan,
  kecamatan with a kelurahan under each of two of them, bagian under the Sekretariat Daerah);
- one user per role through ``create_user`` (organiser at Bappeda, verifier at Inspektorat, an
  academic judge with no organisation, the Diskominfo operator as submitter), plus one operator
  per other OPD that has innovations, since only an OPD's own operators may enter and submit its
  innovations (these share one password hash, see ``_DemoLoader._operator``);
- last year's competition, taken through its whole timeline: twelve innovations submitted, ten
  verified (two after a revision) and two rejected; the ten judged for real in one round,
  "Presentasi dan wawancara" (the 2023 IGA rubric, three judges: the demo judge, another
  academic and a practitioner, the last two not among the printed sign-ins), each judge saving
  and confirming scores per criterion, with comments here and there and one entry on which the
  judges clearly disagree; the results sealed, then published at the Hari Jadi Kota Kediri
  ceremony, where the award "OPD Terinovatif" went to, in this order, Dinas Komunikasi dan
  Informatika, Puskesmas Ngletih, Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu, Badan
  Perencanaan Pembangunan Daerah and Dinas Pendidikan (see ``LAST_YEAR_WINNERS``): their
  innovations are awarded, the other five stay scored. The competition was then **closed** (a
  year later nothing about it is still open, so leaving it in "results" would be the
  unrealistic choice);
- this year's competition, open for submissions around ``now``, with forty innovations from
  twenty-eight OPDs in draft, submitted, returned, verified, rejected and withdrawn.

Every phase and status change goes through ``change_competition_phase``,
``change_entry_status`` or the judging and results services (``confirm_scores``,
``close_round``, ``seal_results``, ``publish_results``) with a ``now`` inside the right window,
fired in chronological order across all entries, on working days and in office hours (WIB). The
services stamp creation times with the real clock, so at the end the creation and edit times of
the demo rows (competitions, users, memberships, entries, evidence, judges' assignments and
scores) are set to the same story's moments with plain UPDATEs that do not touch the entries'
versions.

The judges' values are chosen, from a seeded generator, around the score the panel gives each
innovation in ``_PANEL``, so the ranking the services compute is the one the story tells; the
loader checks this and fails rather than tell another story.

Content is deterministic: texts, dates relative to ``now`` and the order of events come from
seeded :class:`random.Random` instances. Each service call commits, so a failure part-way leaves
the rows made so far; the demo is meant for an empty database.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from competition.errors import InvalidInput
from competition.extensions import db
from competition.models import (
    Assignment,
    Competition,
    Entry,
    Evidence,
    Membership,
    Organisation,
    Region,
    ResultSet,
    Round,
    Score,
    User,
)
from competition.models.types import utcnow
from competition.services.competitions import change_competition_phase, create_competition
from competition.services.entries import change_entry_status, create_entry, update_entry
from competition.services.evidence import add_evidence_link
from competition.services.judging import (
    add_round,
    apply_rubric_template,
    assign_automatically,
    create_panel,
)
from competition.services.organisations import get_or_create_region
from competition.services.results import (
    award_standings,
    ensure_default_award,
    publish_results,
    seal_results,
)
from competition.services.scoring import ScoreInput, close_round, confirm_scores, open_round, save_scores
from competition.services.users import create_user, grant_role
from competition.unit_of_work import operation

REGION_NAME = "Kota Kediri"
DEMO_PASSWORD = "anugerah-demo"
EMAIL_DOMAIN = "demo.anugerah.id"
SEED = "anugerah-demo-kota-kediri"


@dataclass
class DemoSummary:
    region: str
    organisations: int
    competitions: int
    entries: int
    credentials: list[tuple[str, str, str]]  # (role, email, password)


# --------------------------------------------------------------------------------------------
# Organisations (key, name, short name, parent key)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Org:
    key: str
    name: str
    short: str | None = None
    parent: str | None = None

    @property
    def label(self) -> str:
        return self.short or self.name


_ORGANISATIONS: tuple[_Org, ...] = (
    _Org("setda", "Sekretariat Daerah", "Setda"),
    _Org("bag_organisasi", "Bagian Organisasi", None, "setda"),
    _Org("bag_hukum", "Bagian Hukum", None, "setda"),
    _Org("inspektorat", "Inspektorat"),
    _Org("bappeda", "Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    _Org("bapenda", "Badan Pendapatan Daerah", "Bapenda"),
    _Org("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM"),
    _Org("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    _Org("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"),
    _Org("dispendik", "Dinas Pendidikan", "Dispendik"),
    _Org("dinkes", "Dinas Kesehatan", "Dinkes"),
    _Org("pkm_ngletih", "Puskesmas Ngletih", None, "dinkes"),
    _Org("pkm_sukorame", "Puskesmas Sukorame", None, "dinkes"),
    _Org("pkm_balowerti", "Puskesmas Balowerti", None, "dinkes"),
    _Org("rsud", "Rumah Sakit Umum Daerah Gambiran", "RSUD Gambiran"),
    _Org("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    _Org("dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil"),
    _Org("dinsos", "Dinas Sosial", "Dinsos"),
    _Org("dishub", "Dinas Perhubungan", "Dishub"),
    _Org("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    _Org("dlh", "Dinas Lingkungan Hidup", "DLH"),
    _Org("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP"),
    _Org("diskopum", "Dinas Koperasi dan Usaha Mikro", "Diskop UM"),
    _Org("disperdagin", "Dinas Perdagangan dan Perindustrian", "Disperdagin"),
    _Org("dkpp", "Dinas Ketahanan Pangan dan Pertanian", "DKPP"),
    _Org("disbudparpora", "Dinas Kebudayaan, Pariwisata, Kepemudaan dan Olahraga",
         "Disbudparpora"),
    _Org("dp3ap2kb", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk "
         "dan Keluarga Berencana", "DP3AP2KB"),
    _Org("disnaker", "Dinas Tenaga Kerja", "Disnaker"),
    _Org("dispusip", "Dinas Perpustakaan dan Kearsipan", "Dispusip"),
    _Org("disperkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    _Org("kec_kota", "Kecamatan Kota"),
    _Org("kec_mojoroto", "Kecamatan Mojoroto"),
    _Org("kec_pesantren", "Kecamatan Pesantren"),
    _Org("kel_bandar_lor", "Kelurahan Bandar Lor", None, "kec_mojoroto"),
    _Org("kel_ngadirejo", "Kelurahan Ngadirejo", None, "kec_kota"),
)

# The four sign-ins printed by ``flask demo``: (role, e-mail local part, name, organisation key).
_ROLE_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("organiser", "organiser", "Rina Kartikasari, S.E., M.M.", "bappeda"),
    ("verifier", "verifier", "Agus Setiawan, S.H.", "inspektorat"),
    ("judge", "judge", "Prof. Dr. Sri Wahyuni, M.Si.", None),
    ("submitter", "submitter", "Dimas Prasetyo, S.Kom.", "diskominfo"),
)

# Last year's two other judges, with no organisation and not among the printed sign-ins:
# (e-mail local part, name). The demo judge is an academic; these are a lecturer in public
# administration and a practitioner of public-service innovation.
_EXTRA_JUDGES: tuple[tuple[str, str], ...] = (
    ("juri.hadi", "Dr. Hadi Purnomo, M.A.P."),
    ("juri.ratna", "Ratna Dewi Anggraeni, S.Sos., M.Si."),
)

# Operators of the other OPDs with innovations, given out in order of first appearance.
_OPERATOR_NAMES = (
    "Siti Nurhayati", "Bagus Hermawan", "Dewi Lestari", "Eko Prasetyo", "Fitri Handayani",
    "Hendra Kurniawan", "Indah Permatasari", "Joko Susilo", "Kartika Sari", "Lukman Hakim",
    "Maya Anggraini", "Nanang Suryadi", "Okta Rahmawati", "Putri Wulandari", "Rahmat Hidayat",
    "Sri Rahayu", "Teguh Santoso", "Umi Kalsum", "Wahyu Nugroho", "Yuli Astuti",
    "Zainal Arifin", "Ayu Puspitasari", "Budi Santoso", "Citra Dewi", "Dedi Kurniawan",
    "Endah Sulistyowati", "Fajar Ramadhan", "Galih Saputra", "Heni Marlina", "Irfan Maulana",
)

_CATEGORIES = {
    "tata_kelola": "Tata Kelola Pemerintahan",
    "pelayanan_publik": "Pelayanan Publik",
    "urusan_lainnya": "Inovasi Daerah Lainnya",
}


# --------------------------------------------------------------------------------------------
# Innovations. ``path`` names the statuses an entry goes through (see _PATHS); ``note`` is the
# verifier's note (return, reject) or the OPD's reason (withdraw), ``note2`` the second one;
# ``fix`` the evidence added when a returned entry is revised; ``gap`` what a draft still lacks.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Idea:
    org: str
    title: str
    path: str
    urusan: str
    inisiator: str
    tahapan: str
    jenis: str
    bentuk: str
    anggaran: int | None
    problem: str
    approach: str
    steps: tuple[str, ...]
    actors: tuple[str, ...]
    tools: tuple[str, ...]
    measures: tuple[str, ...]
    goal: str
    benefit: str
    result: str
    terkait: str = ""
    note: str = ""
    note2: str = ""
    fix: str = ""
    gap: str = ""
    implemented_days_ago: int | None = None


_LAST_YEAR: tuple[_Idea, ...] = (
    _Idea(
        org="diskominfo", title="Lapor Mas Wali: Kanal Pengaduan Warga Terpadu", path="awarded",
        urusan="Komunikasi dan Informatika",
        terkait="Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
        inisiator="kepala_daerah", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=185_000_000,
        problem="Pengaduan warga tersebar di banyak kanal, mulai dari surat, pesan WhatsApp pribadi "
        "pejabat, hingga komentar di media sosial. Banyak aduan tidak tercatat, sehingga tidak ada "
        "yang tahu berapa yang sudah ditindaklanjuti dan berapa yang terbengkalai.",
        approach="Semua kanal pengaduan dihimpun dalam satu dasbor. Setiap aduan diberi nomor "
        "tiket, diteruskan ke perangkat daerah yang berwenang, dan wajib dijawab dalam batas waktu "
        "yang diumumkan kepada pelapor.",
        steps=("admin Diskominfo memverifikasi setiap aduan yang masuk dalam satu hari kerja",
               "aduan yang valid didisposisikan ke perangkat daerah sesuai kewenangannya",
               "perangkat daerah mengunggah tindak lanjut beserta foto bukti penyelesaian",
               "pelapor menerima notifikasi dan memberi penilaian atas jawaban yang diterimanya"),
        actors=("admin kanal pengaduan Diskominfo", "petugas penghubung di setiap perangkat daerah",
                "camat dan lurah", "warga pelapor"),
        tools=("dasbor web Lapor Mas Wali", "nomor WhatsApp resmi dengan balasan otomatis",
               "integrasi dengan SP4N-LAPOR!"),
        measures=("rata-rata waktu tindak lanjut aduan",
                  "persentase aduan yang selesai dalam lima hari kerja", "indeks kepuasan pelapor"),
        goal="Memastikan setiap pengaduan warga tercatat, ditindaklanjuti oleh perangkat daerah yang "
        "berwenang, dan dijawab dalam waktu yang pasti.",
        benefit="Warga cukup melapor di satu tempat dan dapat memantau status aduannya, sedangkan "
        "pimpinan daerah memperoleh gambaran masalah kota setiap hari.",
        result="Sepanjang tahun pertama tercatat 4.212 aduan; 91 persen selesai dalam lima hari "
        "kerja dan rata-rata waktu tindak lanjut turun dari 12 hari menjadi 3,4 hari.",
    ),
    _Idea(
        org="pkm_ngletih", title="Posyandu Digital Balita Sehat", path="awarded",
        urusan="Kesehatan", terkait="Pengendalian Penduduk dan Keluarga Berencana",
        inisiator="asn", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=48_500_000,
        problem="Kader posyandu di wilayah Puskesmas Ngletih masih mencatat hasil penimbangan di buku "
        "register kertas. Rekap bulanan baru sampai ke puskesmas dua sampai tiga minggu kemudian, "
        "sehingga balita yang berat badannya tidak naik sering terlambat ditangani.",
        approach="Kader memasukkan hasil penimbangan langsung ke aplikasi di ponsel. Grafik "
        "pertumbuhan terbentuk otomatis, dan balita yang berat badannya tidak naik dua kali "
        "berturut-turut langsung ditandai untuk dikunjungi bidan.",
        steps=("puskesmas melatih dua kader dari setiap posyandu menggunakan aplikasi",
               "kader menginput hasil penimbangan pada hari buka posyandu",
               "sistem menandai balita berisiko dan mengirim daftarnya kepada bidan kelurahan",
               "ahli gizi puskesmas melakukan kunjungan rumah dan konseling pemberian makan"),
        actors=("kader posyandu", "bidan kelurahan", "ahli gizi Puskesmas Ngletih",
                "Tim Penggerak PKK kelurahan"),
        tools=("aplikasi Android Posyandu Digital",
               "timbangan digital dan alat ukur panjang badan terstandar", "dasbor gizi puskesmas"),
        measures=("cakupan balita ditimbang (D/S)",
                  "jumlah balita berat badan tidak naik yang dikunjungi dalam tujuh hari",
                  "prevalensi balita gizi kurang"),
        goal="Mempercepat deteksi balita dengan gangguan pertumbuhan sehingga intervensi gizi "
        "diberikan dalam hitungan hari, bukan minggu.",
        benefit="Orang tua mendapat catatan pertumbuhan anak yang rapi, kader tidak lagi menyalin "
        "register berulang kali, dan puskesmas dapat memantau 24 posyandu secara langsung.",
        result="Cakupan penimbangan naik dari 71 persen menjadi 88 persen; balita berat badan tidak "
        "naik kini dikunjungi rata-rata 4 hari setelah penimbangan, sebelumnya 19 hari.",
    ),
    _Idea(
        org="dpmptsp", title="Si-Cantik: Sistem Cepat Antar Izin Terpadu", path="awarded",
        urusan="Penanaman Modal", terkait="Perdagangan; Koperasi, Usaha Kecil dan Menengah",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital",
        bentuk="pelayanan_publik", anggaran=210_000_000,
        problem="Pemohon izin harus datang berkali-kali ke kantor DPMPTSP untuk menyerahkan berkas, "
        "menanyakan kelengkapan, dan mengambil dokumen izin. Berkas fisik berpindah antarmeja dan "
        "antarkantor teknis sehingga waktu proses sulit diprediksi.",
        approach="Permohonan diajukan daring, berkas diperiksa secara elektronik oleh tim teknis "
        "secara paralel, dan dokumen izin bertanda tangan elektronik diantar ke pemohon melalui "
        "surel atau kurir tanpa biaya.",
        steps=("pemohon mengunggah formulir dan persyaratan melalui laman Si-Cantik",
               "petugas front office memeriksa kelengkapan dalam satu hari kerja",
               "tim teknis dari perangkat daerah terkait memberi rekomendasi di sistem yang sama",
               "izin ditandatangani secara elektronik dan dikirim kepada pemohon"),
        actors=("petugas front office DPMPTSP", "tim teknis lintas perangkat daerah",
                "Kepala DPMPTSP sebagai penanda tangan", "pelaku usaha"),
        tools=("aplikasi web Si-Cantik", "sertifikat elektronik dari BSrE",
               "layanan kurir kerja sama dengan PT Pos Indonesia"),
        measures=("rata-rata lama proses izin", "jumlah kunjungan fisik pemohon per izin",
                  "indeks kepuasan masyarakat unit layanan"),
        goal="Memangkas waktu dan jumlah kunjungan yang dibutuhkan pemohon untuk memperoleh izin "
        "berusaha dan nonberusaha.",
        benefit="Pelaku usaha menghemat waktu dan ongkos transportasi, sementara pemerintah "
        "memperoleh jejak proses yang transparan untuk setiap izin.",
        result="Rata-rata lama proses turun dari 14 hari kerja menjadi 5 hari kerja, dan 78 persen "
        "izin kini diterima pemohon tanpa datang ke kantor.",
    ),
    _Idea(
        org="bappeda", title="Si-Monik: Sistem Monitoring Kinerja Pembangunan", path="awarded",
        urusan="Perencanaan Pembangunan", terkait="Keuangan; Statistik",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=95_000_000,
        problem="Laporan capaian program dari perangkat daerah dikirim dalam format lembar kerja yang "
        "berbeda-beda dan sering terlambat. Bappeda menghabiskan hampir dua minggu setiap triwulan "
        "hanya untuk menyatukan data sebelum dapat menganalisisnya.",
        approach="Perangkat daerah mengisi realisasi fisik dan keuangan langsung pada formulir daring "
        "yang terhubung dengan dokumen rencana kerja, sehingga capaian terhadap target terlihat "
        "otomatis dalam satu dasbor.",
        steps=("Bappeda memetakan indikator program dari RPJMD dan Renja ke dalam sistem",
               "operator perangkat daerah mengisi realisasi setiap bulan",
               "sistem memberi tanda warna untuk kegiatan yang tertinggal dari rencana",
               "hasil pemantauan dibahas dalam rapat evaluasi yang dipimpin Sekretaris Daerah"),
        actors=("Bidang Perencanaan dan Evaluasi Bappeda",
                "operator perencanaan di setiap perangkat daerah",
                "Badan Pengelola Keuangan dan Aset Daerah", "Sekretaris Daerah"),
        tools=("aplikasi web Si-Monik", "dasbor kinerja pimpinan",
               "modul ekspor laporan triwulanan"),
        measures=("ketepatan waktu pelaporan perangkat daerah",
                  "selisih realisasi fisik dan keuangan",
                  "jumlah kegiatan berstatus merah yang ditindaklanjuti"),
        goal="Menyediakan data capaian pembangunan yang mutakhir agar pimpinan dapat mengambil "
        "keputusan koreksi sebelum akhir tahun anggaran.",
        benefit="Penyusunan laporan evaluasi lebih cepat, keterlambatan kegiatan terdeteksi lebih "
        "awal, dan data yang sama dipakai untuk pelaporan ke pemerintah provinsi.",
        result="Ketepatan waktu pelaporan naik dari 54 persen menjadi 97 persen perangkat daerah, "
        "dan laporan triwulanan kini selesai disusun dalam tiga hari.",
    ),
    _Idea(
        org="dispendik", title="Serali: Sekolah Ramah Literasi Digital", path="awarded",
        urusan="Pendidikan", terkait="Perpustakaan; Komunikasi dan Informatika",
        inisiator="asn", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=60_000_000,
        problem="Hasil asesmen nasional menunjukkan kemampuan literasi membaca siswa SD dan SMP di "
        "Kota Kediri belum merata, sementara siswa makin banyak menghabiskan waktu dengan gawai "
        "tanpa pendampingan. Guru belum memiliki bahan ajar yang memadukan membaca dan kecakapan "
        "digital.",
        approach="Sekolah percontohan menjalankan lima belas menit membaca setiap pagi, pojok baca "
        "digital di kelas, dan modul literasi digital yang mengajarkan cara memeriksa kebenaran "
        "informasi daring.",
        steps=("Dinas Pendidikan memilih dua puluh sekolah percontohan",
               "guru mengikuti lokakarya penyusunan modul literasi digital",
               "sekolah menjalankan program membaca harian dan proyek konten kreatif siswa",
               "pengawas sekolah memantau capaian dan menyebarkan praktik baik ke sekolah lain"),
        actors=("guru kelas dan guru bahasa Indonesia", "pengawas sekolah", "pustakawan sekolah",
                "komite sekolah dan orang tua"),
        tools=("modul literasi digital berbahasa Indonesia",
               "pojok baca dengan tablet dan buku cetak", "lembar pantau membaca siswa"),
        measures=("skor literasi membaca pada rapor pendidikan",
                  "jumlah buku yang dibaca siswa per semester",
                  "jumlah sekolah yang mereplikasi program"),
        goal="Meningkatkan kemampuan literasi membaca dan kecakapan digital siswa melalui kebiasaan "
        "sekolah yang sederhana dan konsisten.",
        benefit="Siswa terbiasa membaca dan lebih kritis terhadap informasi daring, sedangkan guru "
        "memperoleh modul siap pakai yang dapat dibagikan antarsekolah.",
        result="Proporsi siswa dengan literasi di atas kompetensi minimum di sekolah percontohan naik "
        "dari 58 persen menjadi 71 persen, dan 35 sekolah lain mereplikasi program secara mandiri.",
    ),
    _Idea(
        org="dispendukcapil", title="Si Jebol: Jemput Bola Adminduk Lansia dan Disabilitas",
        path="returned_scored", urusan="Administrasi Kependudukan dan Pencatatan Sipil",
        terkait="Sosial", inisiator="perangkat_daerah", tahapan="penerapan", jenis="non_digital",
        bentuk="pelayanan_publik", anggaran=35_000_000,
        problem="Warga lanjut usia dan penyandang disabilitas banyak yang belum merekam KTP "
        "elektronik karena kesulitan datang ke kantor. Akibatnya mereka terhambat mengakses layanan "
        "kesehatan, bantuan sosial, dan perbankan.",
        approach="Petugas perekaman datang ke rumah warga dengan perangkat perekaman portabel, "
        "berdasarkan daftar yang dihimpun dari kelurahan dan pendamping sosial.",
        steps=("kelurahan dan pendamping sosial mendata warga yang tidak dapat datang ke kantor",
               "Dispendukcapil menyusun jadwal kunjungan mingguan per kecamatan",
               "petugas merekam biometrik dan mencetak dokumen di lokasi bila memungkinkan",
               "dokumen yang belum selesai diantar ke rumah warga dalam tiga hari"),
        actors=("petugas perekaman Dispendukcapil", "lurah dan ketua RT",
                "pendamping Program Keluarga Harapan", "keluarga warga sasaran"),
        tools=("perangkat perekaman KTP elektronik portabel", "kendaraan layanan keliling",
               "daftar sasaran bersama kelurahan"),
        measures=("jumlah lansia dan penyandang disabilitas yang direkam",
                  "waktu antara permohonan dan kunjungan", "jumlah dokumen yang diantar ke rumah"),
        goal="Menjamin warga lanjut usia dan penyandang disabilitas memiliki dokumen kependudukan "
        "tanpa harus datang ke kantor.",
        benefit="Warga rentan dapat mengakses layanan publik yang mensyaratkan KTP elektronik, dan "
        "data kependudukan kota menjadi lebih lengkap.",
        result="Dalam satu tahun 1.146 warga lanjut usia dan 312 penyandang disabilitas direkam di "
        "rumah; waktu tunggu kunjungan rata-rata enam hari.",
        note="Klaim 1.146 perekaman belum didukung data. Mohon lampirkan rekap perekaman per "
        "kelurahan yang ditandatangani kepala bidang, bukan hanya foto kegiatan.",
        fix="Rekap perekaman jemput bola per kelurahan",
    ),
    _Idea(
        org="rsud", title="Antrean Poliklinik Daring Tanpa Kertas", path="scored",
        urusan="Kesehatan", terkait="Komunikasi dan Informatika", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik", anggaran=120_000_000,
        problem="Pasien rawat jalan RSUD Gambiran harus datang sejak subuh untuk mengambil nomor "
        "antrean, lalu menunggu berjam-jam di ruang tunggu yang padat. Lonjakan antrean terjadi "
        "setiap Senin dan sesudah hari libur.",
        approach="Pasien mengambil nomor antrean poliklinik melalui aplikasi atau WhatsApp hingga "
        "satu hari sebelumnya, lengkap dengan perkiraan jam dilayani, dan mengonfirmasi kedatangan "
        "di anjungan mandiri.",
        steps=("rumah sakit menyusun kuota antrean per dokter dan per jam",
               "pasien mendaftar melalui aplikasi atau layanan WhatsApp",
               "anjungan mandiri memverifikasi kedatangan dan mencetak label tanpa formulir kertas",
               "petugas memantau keterlambatan dokter dan mengirim pemberitahuan kepada pasien"),
        actors=("Instalasi Rawat Jalan", "Instalasi Sistem Informasi Rumah Sakit",
                "dokter spesialis", "petugas pendaftaran"),
        tools=("aplikasi antrean daring", "layanan WhatsApp otomatis",
               "anjungan pendaftaran mandiri", "sistem informasi manajemen rumah sakit"),
        measures=("waktu tunggu dari pendaftaran hingga dilayani dokter",
                  "persentase pasien yang mendaftar daring", "jumlah keluhan tentang antrean"),
        goal="Mengurangi waktu tunggu dan kepadatan ruang tunggu rawat jalan dengan memberi pasien "
        "kepastian jam pelayanan.",
        benefit="Pasien dapat datang mendekati jadwalnya, risiko penularan di ruang tunggu berkurang, "
        "dan rumah sakit dapat mengatur beban kerja dokter lebih merata.",
        result="Waktu tunggu rata-rata turun dari 3 jam 10 menit menjadi 1 jam 25 menit; 64 persen "
        "pasien rawat jalan kini mendaftar daring.",
    ),
    _Idea(
        org="dlh", title="Si-Banksa: Bank Sampah Berbasis Aplikasi", path="returned_scored",
        urusan="Lingkungan Hidup", terkait="Koperasi, Usaha Kecil dan Menengah",
        inisiator="masyarakat", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=27_500_000,
        problem="Bank sampah di kelurahan mencatat setoran nasabah dalam buku tulis, sehingga saldo "
        "sering dipertanyakan dan pengurus kesulitan menjual sampah terpilah ke pengepul dengan "
        "harga yang wajar.",
        approach="Setoran sampah ditimbang dan dicatat di aplikasi yang menampilkan saldo nasabah, "
        "harga tiap jenis sampah yang diperbarui setiap minggu, dan jadwal penjemputan oleh "
        "pengepul mitra.",
        steps=("DLH mendampingi pengurus bank sampah memasang aplikasi dan memasukkan data nasabah",
               "nasabah menyetor sampah terpilah dan menerima bukti setoran digital",
               "pengurus mengumpulkan setoran dan memesan penjemputan dari pengepul mitra",
               "DLH merekap volume sampah yang tidak lagi dibuang ke TPA setiap bulan"),
        actors=("pengurus bank sampah kelurahan", "nasabah rumah tangga", "pengepul mitra",
                "fasilitator DLH"),
        tools=("aplikasi Si-Banksa", "timbangan gantung digital", "kartu nasabah ber-QR"),
        measures=("jumlah nasabah aktif", "tonase sampah terpilah per bulan",
                  "volume sampah yang tidak dibuang ke TPA"),
        goal="Meningkatkan jumlah warga yang memilah sampah dengan pencatatan setoran yang "
        "transparan dan harga jual yang adil.",
        benefit="Nasabah memperoleh tabungan dari sampah, pengurus bekerja lebih rapi, dan beban TPA "
        "berkurang.",
        result="Sebanyak 46 bank sampah kini mencatat secara digital dengan 5.380 nasabah; sampah "
        "terpilah rata-rata 38 ton per bulan.",
        note="Foto dan tautan video belum menunjukkan penggunaan aplikasi oleh pengurus. Lampirkan "
        "tangkapan layar rekap setoran dan daftar bank sampah yang sudah aktif.",
        fix="Rekap setoran dan daftar 46 bank sampah aktif",
    ),
    _Idea(
        org="bapenda", title="Pelita Warung: Bayar PBB di Warung Tetangga", path="scored",
        urusan="Keuangan", terkait="Koperasi, Usaha Kecil dan Menengah",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=40_000_000,
        problem="Banyak wajib pajak PBB di kampung menunda pembayaran karena harus datang ke bank "
        "atau kantor pos pada jam kerja. Tunggakan menumpuk pada objek pajak bernilai kecil yang "
        "biaya penagihannya tidak sebanding.",
        approach="Warung dan toko kelontong yang sudah menjadi agen laku pandai bank daerah ditunjuk "
        "sebagai titik pembayaran PBB, lengkap dengan cetak bukti bayar yang sah.",
        steps=("Bapenda bersama Bank Jatim memilih agen di setiap kelurahan",
               "agen dilatih mencetak tagihan dan bukti pembayaran",
               "warga membayar PBB di warung dengan menyebutkan nomor objek pajak",
               "pembayaran tercatat langsung di sistem PBB dan direkonsiliasi setiap hari"),
        actors=("Bidang Pajak Daerah Bapenda", "Bank Jatim", "pemilik warung agen",
                "lurah dan ketua RT"),
        tools=("mesin EDC agen laku pandai", "sistem informasi PBB", "stiker penanda titik bayar"),
        measures=("jumlah titik bayar aktif", "persentase pembayaran PBB melalui agen",
                  "realisasi penerimaan PBB terhadap target"),
        goal="Mendekatkan titik pembayaran PBB ke permukiman warga sehingga kepatuhan membayar "
        "meningkat.",
        benefit="Warga membayar di dekat rumah tanpa antre, pemilik warung memperoleh komisi, dan "
        "penerimaan daerah naik.",
        result="Terbentuk 112 titik bayar; 23 persen transaksi PBB dilakukan melalui warung dan "
        "realisasi PBB mencapai 96,8 persen dari target.",
    ),
    _Idea(
        org="kec_mojoroto", title="Klik Keliling: Klinik Administrasi Kelurahan Keliling",
        path="scored", urusan="Pemerintahan Umum",
        terkait="Administrasi Kependudukan dan Pencatatan Sipil", inisiator="perangkat_daerah",
        tahapan="uji_coba", jenis="non_digital", bentuk="pelayanan_publik", anggaran=None,
        problem="Warga kelurahan pinggiran di Kecamatan Mojoroto harus menempuh jarak cukup jauh "
        "untuk mengurus surat pengantar dan rekomendasi. Pekerja harian tidak bisa meninggalkan "
        "pekerjaan pada jam kantor.",
        approach="Petugas kecamatan membuka layanan di balai RW secara bergilir pada sore hari, "
        "melayani surat pengantar, legalisasi, dan konsultasi administrasi kependudukan.",
        steps=("kecamatan menyusun jadwal bergilir bersama lurah dan ketua RW",
               "jadwal diumumkan melalui grup warga dan papan pengumuman",
               "petugas melayani di balai RW setiap Selasa dan Kamis sore",
               "permohonan yang perlu proses lanjut diselesaikan di kantor lalu diantar kembali"),
        actors=("seksi pelayanan Kecamatan Mojoroto", "lurah se-Kecamatan Mojoroto", "ketua RW",
                "warga"),
        tools=("meja layanan portabel", "stempel dan formulir standar",
               "buku register layanan keliling"),
        measures=("jumlah warga terlayani per kunjungan",
                  "jumlah jenis layanan yang selesai di tempat", "tingkat kepuasan warga"),
        goal="Memberikan layanan administrasi kecamatan di dekat tempat tinggal warga pada waktu "
        "yang sesuai dengan jam kerja mereka.",
        benefit="Warga tidak perlu izin kerja untuk mengurus surat, dan kecamatan memahami kebutuhan "
        "layanan di setiap RW.",
        result="Selama enam bulan uji coba, 1.870 warga terlayani di 42 titik RW dengan indeks "
        "kepuasan 3,6 dari 4.",
    ),
    _Idea(
        org="dinsos", title="Dabansa: Data Bansos Tepat Sasaran", path="rejected",
        urusan="Sosial", terkait="Administrasi Kependudukan dan Pencatatan Sipil",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=75_000_000,
        problem="Penyaluran bantuan sosial sering dikeluhkan tidak tepat sasaran karena data penerima "
        "jarang diperbarui. Warga yang sudah mampu masih menerima, sementara keluarga miskin baru "
        "tidak tercatat.",
        approach="Operator kelurahan memutakhirkan data keluarga penerima melalui aplikasi pusat, dan "
        "hasilnya dicocokkan dengan data kependudukan sebelum diusulkan.",
        steps=("operator kelurahan mengikuti bimbingan teknis pemutakhiran data",
               "musyawarah kelurahan menetapkan usulan perubahan data penerima",
               "Dinsos memverifikasi usulan dengan data kependudukan",
               "data final dikirim ke kementerian melalui aplikasi pusat"),
        actors=("operator kesejahteraan sosial kelurahan", "pendamping sosial", "Dinsos",
                "Dispendukcapil"),
        tools=("aplikasi SIKS-NG dari Kementerian Sosial", "berita acara musyawarah kelurahan"),
        measures=("jumlah data penerima yang dimutakhirkan", "jumlah keluhan salah sasaran"),
        goal="Memperbaiki ketepatan sasaran bantuan sosial melalui pemutakhiran data penerima "
        "secara berkala.",
        benefit="Bantuan lebih tepat diterima keluarga yang membutuhkan, dan keberatan warga dapat "
        "dijawab dengan hasil musyawarah kelurahan.",
        result="Sebanyak 6.420 data keluarga dimutakhirkan dalam setahun.",
        note="Aplikasi yang digunakan adalah SIKS-NG milik Kementerian Sosial yang dijalankan sesuai "
        "petunjuk teknis tanpa modifikasi atau tambahan dari daerah, sehingga unsur pembaruan "
        "sebagaimana dipersyaratkan PP 38/2017 tidak terpenuhi.",
    ),
    _Idea(
        org="dishub", title="Parkir Tenang: Parkir Tepi Jalan Non-Tunai", path="rejected",
        urusan="Perhubungan", terkait="Keuangan", inisiator="kepala_daerah", tahapan="penerapan",
        jenis="digital", bentuk="pelayanan_publik", anggaran=150_000_000,
        problem="Retribusi parkir tepi jalan bocor karena pembayaran tunai tidak tercatat. Pengguna "
        "parkir juga sering diminta tarif di atas ketentuan tanpa diberi karcis.",
        approach="Juru parkir dibekali kode QRIS dan karcis elektronik, sehingga pembayaran langsung "
        "masuk ke rekening kas daerah dan pengguna menerima bukti.",
        steps=("Dishub memasang papan tarif dan kode QRIS di enam puluh titik parkir",
               "juru parkir dilatih menggunakan karcis elektronik",
               "pembayaran terekam di rekening kas daerah",
               "Dishub membandingkan setoran dengan potensi setiap titik"),
        actors=("Bidang Perparkiran Dishub", "juru parkir", "bank persepsi", "pengguna parkir"),
        tools=("kode QRIS statis per titik", "karcis elektronik", "rompi bernomor juru parkir"),
        measures=("pendapatan retribusi parkir", "persentase transaksi non-tunai"),
        goal="Menutup kebocoran retribusi parkir tepi jalan dan memberi kepastian tarif kepada "
        "pengguna.",
        benefit="Pengguna membayar sesuai tarif resmi dan daerah menerima retribusi sesuai potensi.",
        result="Penerimaan retribusi parkir naik 18 persen dibanding tahun sebelumnya.",
        note="Inovasi diklaim pada tahap penerapan, tetapi data dukung hanya berisi rencana titik "
        "parkir dan foto sosialisasi; tidak ada bukti transaksi non-tunai maupun laporan "
        "penerimaan. Klaim kenaikan 18 persen tidak dapat dicocokkan dengan data.",
    ),
)

_THIS_YEAR: tuple[_Idea, ...] = (
    _Idea(
        org="diskominfo", title="Kediri Satu Data: Portal Data Sektoral Terbuka", path="verified",
        urusan="Statistik", terkait="Komunikasi dan Informatika; Perencanaan Pembangunan",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=135_000_000,
        problem="Data sektoral Kota Kediri tersimpan di masing-masing perangkat daerah dengan "
        "definisi yang berbeda. Angka yang sama, misalnya jumlah penduduk miskin atau panjang "
        "jalan, bisa berbeda dari satu dokumen ke dokumen lain.",
        approach="Diskominfo sebagai walidata mengumpulkan data dari produsen data, memeriksa "
        "kesesuaiannya dengan standar dan metadata, lalu menerbitkannya di portal terbuka yang "
        "dapat diunduh masyarakat.",
        steps=("Forum Satu Data menyepakati daftar data prioritas beserta metadatanya",
               "produsen data di setiap perangkat daerah mengunggah data melalui akunnya",
               "walidata memeriksa format, satuan, dan metadata sebelum publikasi",
               "data terbit di portal dan diperbarui sesuai jadwal rilis"),
        actors=("walidata di Diskominfo", "produsen data di perangkat daerah",
                "Bappeda sebagai koordinator forum", "BPS Kota Kediri sebagai pembina data"),
        tools=("portal data terbuka berbasis CKAN", "katalog metadata",
               "API untuk aplikasi lain"),
        measures=("jumlah dataset yang terbit dengan metadata lengkap",
                  "persentase dataset yang diperbarui tepat waktu",
                  "jumlah unduhan oleh masyarakat"),
        goal="Menyediakan data sektoral yang akurat, mutakhir, terpadu, dan mudah diakses sebagai "
        "dasar perencanaan.",
        benefit="Perangkat daerah memakai angka yang sama dalam dokumen perencanaan, dan akademisi "
        "serta masyarakat dapat mengakses data tanpa surat permohonan.",
        result="Portal memuat 612 dataset dari 34 perangkat daerah; 83 persen diperbarui sesuai "
        "jadwal dan tercatat 9.400 unduhan dalam setahun.",
    ),
    _Idea(
        org="diskominfo", title="Si-TTE: Tanda Tangan Elektronik untuk Naskah Dinas",
        path="submitted", urusan="Komunikasi dan Informatika", terkait="Persandian",
        inisiator="asn", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=64_000_000,
        problem="Naskah dinas harus dicetak, diparaf berjenjang, dan dibawa ke ruang pimpinan untuk "
        "ditandatangani. Surat tertahan berhari-hari ketika pejabat sedang dinas luar.",
        approach="Naskah dinas disusun dan diparaf di aplikasi persuratan, lalu ditandatangani dengan "
        "sertifikat elektronik tersertifikasi sehingga sah secara hukum tanpa dicetak.",
        steps=("Diskominfo mengajukan sertifikat elektronik pejabat ke Balai Sertifikasi Elektronik",
               "pejabat dan staf dilatih menggunakan tanda tangan elektronik",
               "aplikasi persuratan dihubungkan dengan layanan tanda tangan",
               "keabsahan dokumen dapat diperiksa siapa pun melalui kode QR"),
        actors=("Bidang Persandian dan Statistik Diskominfo", "pejabat penanda tangan",
                "sekretariat perangkat daerah", "Balai Sertifikasi Elektronik"),
        tools=("sertifikat elektronik BSrE", "aplikasi persuratan elektronik",
               "layanan verifikasi dokumen berbasis QR"),
        measures=("jumlah pejabat bersertifikat elektronik",
                  "jumlah naskah yang ditandatangani elektronik per bulan",
                  "rata-rata waktu penandatanganan"),
        goal="Mempercepat penandatanganan naskah dinas dan mengurangi penggunaan kertas tanpa "
        "mengurangi keabsahan dokumen.",
        benefit="Surat dapat ditandatangani dari mana saja, biaya cetak turun, dan keaslian dokumen "
        "dapat diperiksa siapa pun.",
        result="Sebanyak 418 pejabat telah memiliki sertifikat elektronik; rata-rata waktu "
        "penandatanganan turun dari 2,5 hari menjadi 4 jam.",
    ),
    _Idea(
        org="diskominfo", title="Wi-Fi Publik Kelurahan Terkelola", path="draft", gap="short",
        urusan="Komunikasi dan Informatika", terkait="Pendidikan", inisiator="kepala_daerah",
        tahapan="uji_coba", jenis="digital", bentuk="pelayanan_publik", anggaran=310_000_000,
        problem="Titik Wi-Fi publik yang dipasang di balai kelurahan sering mati berminggu-minggu "
        "tanpa diketahui, dan tidak ada data tentang siapa yang memanfaatkannya.",
        approach="Seluruh titik Wi-Fi dipantau dari satu pusat kendali; gangguan terdeteksi otomatis "
        "dan pengguna masuk melalui halaman portal yang mencatat jumlah pemakaian.",
        steps=("tim memetakan ulang titik Wi-Fi di 46 kelurahan",
               "perangkat pemantau jaringan dipasang di setiap titik",
               "prosedur penanganan gangguan disusun bersama penyedia layanan"),
        actors=("Bidang Infrastruktur TIK Diskominfo", "operator kelurahan", "penyedia jaringan"),
        tools=("sistem pemantauan jaringan", "portal masuk pengguna", "perangkat access point"),
        measures=("persentase waktu aktif jaringan", "jumlah pengguna unik per bulan"),
        goal="Menjamin Wi-Fi publik kelurahan selalu dapat digunakan warga, terutama pelajar.",
        benefit="Pelajar dan pelaku usaha mikro memperoleh akses internet gratis yang andal.",
        result="Uji coba di 10 kelurahan menaikkan waktu aktif jaringan dari 71 persen menjadi 96 "
        "persen.",
    ),
    _Idea(
        org="dinkes", title="Si-Ceting: Sistem Cegah Stunting Terintegrasi",
        path="returned_verified", urusan="Kesehatan",
        terkait="Pengendalian Penduduk dan Keluarga Berencana; Sosial; Pangan",
        inisiator="kepala_daerah", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=240_000_000,
        problem="Data sasaran stunting tersebar di puskesmas, kelurahan, dan tim pendamping keluarga "
        "dengan nama dan alamat yang tidak selalu cocok. Intervensi dari berbagai perangkat daerah "
        "sering menumpuk pada keluarga yang sama, sementara keluarga lain terlewat.",
        approach="Satu daftar sasaran by name by address dipakai bersama oleh semua pihak; setiap "
        "intervensi, dari pemberian makanan tambahan sampai bantuan jamban, dicatat pada keluarga "
        "sasaran yang sama.",
        steps=("Dinas Kesehatan menyatukan data balita, ibu hamil, dan calon pengantin dari "
               "puskesmas dan kelurahan",
               "tim percepatan penurunan stunting kelurahan memverifikasi alamat sasaran",
               "perangkat daerah mencatat intervensi yang diberikan kepada setiap keluarga",
               "rapat koordinasi bulanan membahas keluarga yang belum tersentuh intervensi"),
        actors=("Dinas Kesehatan", "sembilan puskesmas", "Tim Pendamping Keluarga",
                "DP3AP2KB, Dinas Sosial, dan Disperkim"),
        tools=("aplikasi web Si-Ceting", "peta sebaran sasaran", "data e-PPGBM"),
        measures=("prevalensi stunting hasil penimbangan serentak",
                  "persentase sasaran yang menerima intervensi lengkap",
                  "jumlah data ganda yang dibersihkan"),
        goal="Menurunkan prevalensi stunting dengan memastikan setiap keluarga berisiko menerima "
        "intervensi yang lengkap dan tidak tumpang tindih.",
        benefit="Sumber daya lintas perangkat daerah tepat menyasar keluarga yang membutuhkan, dan "
        "pimpinan dapat memantau kemajuan per kelurahan.",
        result="Prevalensi stunting hasil penimbangan serentak turun dari 14,2 persen menjadi 10,7 "
        "persen, dan 1.320 data ganda dibersihkan.",
        note="Mohon lampirkan SK Wali Kota tentang tim percepatan penurunan stunting dan data "
        "prevalensi sebelum-sesudah dari e-PPGBM; tautan yang ada hanya mengarah ke halaman berita.",
        fix="SK Tim Percepatan Penurunan Stunting dan rekap e-PPGBM",
    ),
    _Idea(
        org="dinkes", title="Ambulans Hebat: Layanan Gawat Darurat 112 Terpadu", path="returned",
        urusan="Kesehatan",
        terkait="Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat; Komunikasi dan "
        "Informatika",
        inisiator="kepala_daerah", tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik",
        anggaran=420_000_000,
        problem="Warga yang membutuhkan ambulans harus menelepon beberapa nomor berbeda dan sering "
        "tidak tahu fasilitas mana yang siaga. Waktu tanggap kasus gawat darurat di rumah belum "
        "pernah diukur.",
        approach="Panggilan darurat melalui nomor 112 diteruskan ke pusat layanan kesehatan yang "
        "mengerahkan ambulans terdekat berdasarkan posisi GPS dan memberi panduan pertolongan "
        "pertama melalui telepon.",
        steps=("operator 112 menerima panggilan dan menilai tingkat kegawatan",
               "dispatcher kesehatan mengerahkan ambulans terdekat yang siaga",
               "tenaga kesehatan menolong di lokasi dan merujuk pasien ke rumah sakit",
               "setiap kasus dievaluasi waktu tanggapnya dalam rapat mingguan"),
        actors=("operator Call Center 112", "Public Safety Center Dinas Kesehatan",
                "tim ambulans puskesmas dan RSUD", "rumah sakit rujukan"),
        tools=("aplikasi dispatch dengan pelacakan GPS", "lima ambulans yang bersiaga 24 jam",
               "radio komunikasi"),
        measures=("waktu tanggap dari panggilan sampai ambulans tiba",
                  "jumlah kasus gawat darurat yang tertangani",
                  "angka kematian sebelum tiba di rumah sakit"),
        goal="Memberikan layanan ambulans gawat darurat gratis dengan waktu tanggap di bawah 15 "
        "menit di seluruh wilayah kota.",
        benefit="Korban kecelakaan dan pasien gawat darurat memperoleh pertolongan lebih cepat tanpa "
        "biaya.",
        result="Tercatat 2.846 panggilan tertangani dengan waktu tanggap rata-rata 11 menit.",
        note="Waktu tanggap 11 menit belum didukung log dispatch; lampirkan rekap bulanan dari "
        "aplikasi. Video yang ditautkan bersifat privat sehingga tidak dapat diputar verifikator.",
    ),
    _Idea(
        org="pkm_ngletih", title="Bumil Pintar: Kelas Ibu Hamil Daring", path="submitted",
        urusan="Kesehatan", terkait="Pemberdayaan Perempuan dan Perlindungan Anak",
        inisiator="asn", tahapan="uji_coba", jenis="digital", bentuk="pelayanan_publik",
        anggaran=12_500_000,
        problem="Ibu hamil yang bekerja sulit menghadiri kelas ibu hamil di puskesmas pada pagi "
        "hari, padahal kelas tersebut penting untuk mengenali tanda bahaya kehamilan.",
        approach="Kelas ibu hamil diselenggarakan setiap Sabtu malam melalui pertemuan video, "
        "dilengkapi grup diskusi dengan bidan dan kuis pemahaman sesudah setiap sesi.",
        steps=("bidan menyusun kurikulum enam sesi mengikuti buku KIA",
               "ibu hamil didaftarkan saat pemeriksaan kehamilan pertama",
               "kelas daring diisi bergantian oleh bidan, dokter, dan ahli gizi",
               "ibu hamil yang tidak hadir dihubungi kader untuk menonton rekaman"),
        actors=("bidan koordinator Puskesmas Ngletih", "dokter umum dan ahli gizi",
                "kader kesehatan", "ibu hamil dan pendampingnya"),
        tools=("pertemuan video", "grup WhatsApp per angkatan", "kuis daring dan buku KIA"),
        measures=("jumlah ibu hamil yang mengikuti minimal empat sesi",
                  "nilai kuis sebelum dan sesudah kelas",
                  "jumlah ibu hamil yang mampu menyebutkan tanda bahaya"),
        goal="Memperluas jangkauan kelas ibu hamil kepada ibu yang bekerja atau memiliki "
        "keterbatasan waktu.",
        benefit="Ibu hamil memperoleh pengetahuan yang sama tanpa meninggalkan pekerjaan, dan suami "
        "dapat ikut mendampingi.",
        result="Selama tiga bulan uji coba, 94 ibu hamil mengikuti kelas daring dan rata-rata nilai "
        "kuis naik dari 58 menjadi 86.",
    ),
    _Idea(
        org="pkm_ngletih", title="Pos Tensi: Skrining Hipertensi di Pos Ronda",
        path="returned_verified", urusan="Kesehatan",
        terkait="Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
        inisiator="masyarakat", tahapan="penerapan", jenis="non_digital",
        bentuk="pelayanan_publik", anggaran=8_000_000,
        problem="Laki-laki usia produktif jarang datang ke posbindu karena jadwalnya bersamaan "
        "dengan jam kerja. Banyak kasus hipertensi baru diketahui setelah terjadi stroke.",
        approach="Kader kesehatan memeriksa tekanan darah warga di pos ronda pada malam hari, "
        "mencatat hasilnya di kartu pantau, dan merujuk warga bertekanan darah tinggi ke "
        "puskesmas.",
        steps=("puskesmas melatih warga peronda menjadi kader pengukur tekanan darah",
               "pemeriksaan dilakukan dua kali sebulan pada malam jadwal ronda",
               "warga dengan tekanan darah tinggi diberi surat rujukan",
               "petugas puskesmas memantau kepatuhan minum obat melalui kader"),
        actors=("kader Pos Tensi", "perawat penanggung jawab program penyakit tidak menular",
                "ketua RT dan RW", "warga peronda"),
        tools=("tensimeter digital", "kartu pantau tekanan darah", "buku rujukan"),
        measures=("jumlah laki-laki usia 15–59 tahun yang diperiksa",
                  "jumlah kasus hipertensi baru yang ditemukan",
                  "persentase kasus yang rutin kontrol"),
        goal="Menemukan kasus hipertensi lebih dini pada kelompok yang jarang datang ke fasilitas "
        "kesehatan.",
        benefit="Warga diperiksa di lingkungan sendiri pada waktu luang, dan risiko stroke dapat "
        "ditekan melalui pengobatan lebih awal.",
        result="Terbentuk 27 Pos Tensi; 2.104 laki-laki usia produktif diperiksa dan 318 kasus "
        "hipertensi baru ditemukan, 61 persen di antaranya rutin kontrol.",
        note="Jumlah kasus baru perlu didukung rekap register. Mohon lampirkan juga SK kepala "
        "puskesmas tentang kader Pos Tensi.",
        fix="SK Kader Pos Tensi dan rekap register hipertensi",
    ),
    _Idea(
        org="pkm_sukorame", title="Pogisu: Pojok Gizi Sukorame", path="draft",
        urusan="Kesehatan", terkait="Pangan", inisiator="asn", tahapan="uji_coba",
        jenis="non_digital", bentuk="pelayanan_publik", anggaran=15_000_000,
        problem="Konseling gizi di puskesmas hanya berupa ceramah singkat, sehingga ibu balita sulit "
        "mempraktikkan menu bergizi dengan bahan yang tersedia dan terjangkau.",
        approach="Pojok Gizi menjadi ruang praktik memasak menu pendamping ASI dari bahan lokal, "
        "dipandu ahli gizi, dengan kartu resep yang dibawa pulang.",
        steps=("ahli gizi menyusun dua belas resep dari bahan pangan lokal",
               "ibu balita gizi kurang diundang praktik memasak setiap Rabu",
               "kader memantau penerapan resep di rumah",
               "berat badan balita dievaluasi setiap bulan"),
        actors=("ahli gizi Puskesmas Sukorame", "kader posyandu", "ibu balita",
                "PKK kelurahan"),
        tools=("dapur praktik sederhana", "kartu resep bergambar", "timbangan bahan makanan"),
        measures=("jumlah ibu yang mengikuti praktik memasak",
                  "kenaikan berat badan balita gizi kurang"),
        goal="Meningkatkan keterampilan ibu menyiapkan makanan bergizi dari bahan lokal yang "
        "terjangkau.",
        benefit="Ibu balita dapat langsung mempraktikkan menu sehat di rumah dengan biaya ringan.",
        result="Selama dua bulan uji coba, 36 ibu mengikuti praktik dan 22 dari 30 balita gizi "
        "kurang naik berat badannya.",
    ),
    _Idea(
        org="pkm_balowerti", title="Jeput TB: Jemput Sputum Tuberkulosis", path="returned",
        urusan="Kesehatan", terkait="Sosial", inisiator="asn", tahapan="penerapan",
        jenis="non_digital", bentuk="pelayanan_publik", anggaran=9_600_000,
        problem="Terduga tuberkulosis enggan datang ke puskesmas untuk pemeriksaan dahak karena "
        "stigma dan biaya transportasi, sehingga penemuan kasus di wilayah Balowerti jauh di bawah "
        "target.",
        approach="Kader menjemput pot dahak ke rumah terduga TBC, mengantarkannya ke laboratorium "
        "puskesmas, dan menyampaikan hasilnya secara tertutup.",
        steps=("kader melakukan investigasi kontak di sekitar pasien TBC",
               "terduga TBC diberi pot dahak dan petunjuk pengambilan",
               "kader menjemput sampel pada pagi hari berikutnya",
               "pasien positif segera memulai pengobatan dengan pendamping minum obat"),
        actors=("kader TBC", "petugas laboratorium puskesmas", "pengelola program TBC",
                "keluarga pasien"),
        tools=("pot dahak dan kotak pendingin", "formulir investigasi kontak", "aplikasi SITB"),
        measures=("jumlah terduga TBC yang diperiksa", "angka penemuan kasus",
                  "angka keberhasilan pengobatan"),
        goal="Meningkatkan penemuan kasus tuberkulosis dengan mendekatkan pemeriksaan dahak ke "
        "rumah warga.",
        benefit="Terduga TBC diperiksa tanpa biaya dan tanpa stigma, dan rantai penularan diputus "
        "lebih cepat.",
        result="Pemeriksaan dahak naik dari 145 menjadi 402 terduga per tahun; 57 kasus baru "
        "ditemukan dan diobati.",
        note="Pada bagian hasil belum dijelaskan periode pembandingnya. Sebutkan tahun sebelum dan "
        "sesudah inovasi, dan lampirkan laporan SITB sebagai data dukung.",
    ),
    _Idea(
        org="pkm_balowerti", title="Lansia Sehat Mandiri Balowerti", path="withdrawn_draft",
        urusan="Kesehatan", terkait="Sosial", inisiator="perangkat_daerah", tahapan="inisiatif",
        jenis="non_digital", bentuk="pelayanan_publik", anggaran=None,
        problem="Jumlah lansia di wilayah Puskesmas Balowerti terus bertambah, tetapi kegiatan "
        "posyandu lansia masih terbatas pada pemeriksaan tekanan darah dan gula darah.",
        approach="Posyandu lansia dikembangkan menjadi kelompok lansia mandiri yang menjalankan "
        "senam, pemeriksaan sederhana, dan kegiatan produktif secara swadaya.",
        steps=("puskesmas memetakan kelompok lansia yang sudah aktif",
               "kader lansia dilatih memandu senam dan pemeriksaan sederhana",
               "setiap kelompok menyusun jadwal kegiatan bersama kelurahan"),
        actors=("pengelola program lansia", "kader lansia", "kelurahan"),
        tools=("kartu menuju sehat lansia", "peralatan senam"),
        measures=("jumlah lansia aktif", "jumlah kelompok lansia mandiri"),
        goal="Mendorong lansia tetap sehat, aktif, dan mandiri di lingkungannya.",
        benefit="Lansia memiliki wadah kegiatan rutin di dekat rumah.",
        result="Belum ada hasil terukur karena inovasi masih dirancang.",
        note="Ditarik oleh puskesmas: inovasi masih tahap perencanaan dan akan diajukan tahun depan "
        "setelah uji coba berjalan.",
    ),
    _Idea(
        org="rsud", title="Resep Elektronik Terintegrasi Farmasi", path="verified",
        urusan="Kesehatan", terkait="Komunikasi dan Informatika", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik", anggaran=88_000_000,
        problem="Resep tulisan tangan dokter sering sulit dibaca dan harus dikonfirmasi ulang oleh "
        "apoteker. Pasien menunggu lama di depo farmasi dan risiko kesalahan pemberian obat tetap "
        "ada.",
        approach="Dokter menulis resep langsung di sistem informasi rumah sakit; resep masuk ke depo "
        "farmasi sebelum pasien tiba, dan sistem memeriksa interaksi obat serta alergi pasien.",
        steps=("tim farmasi dan TI menyusun formularium elektronik",
               "dokter poliklinik dilatih menulis resep elektronik",
               "depo farmasi menyiapkan obat begitu resep masuk",
               "sistem menampilkan peringatan interaksi obat dan alergi"),
        actors=("Instalasi Farmasi", "dokter poliklinik", "Instalasi Sistem Informasi Rumah Sakit",
                "Komite Farmasi dan Terapi"),
        tools=("modul e-resep pada SIMRS", "layar antrean obat", "formularium elektronik"),
        measures=("waktu tunggu obat jadi", "jumlah kejadian salah baca resep",
                  "persentase resep elektronik"),
        goal="Mengurangi waktu tunggu obat dan mencegah kesalahan pengobatan akibat resep yang sulit "
        "dibaca.",
        benefit="Pasien menerima obat lebih cepat dan lebih aman, dan apoteker dapat memusatkan "
        "perhatian pada konseling obat.",
        result="Waktu tunggu obat nonracikan turun dari 47 menjadi 18 menit, dan tidak ada lagi "
        "insiden salah baca resep sejak penerapan.",
    ),
    _Idea(
        org="rsud", title="Pulang Tenang: Edukasi Pasien Pulang Berbasis Video", path="draft",
        gap="evidence", urusan="Kesehatan", inisiator="perangkat_daerah", tahapan="uji_coba",
        jenis="digital", bentuk="pelayanan_publik", anggaran=18_000_000,
        problem="Pasien yang pulang dari rawat inap sering lupa pesan perawat tentang perawatan luka, "
        "jadwal obat, dan tanda bahaya, sehingga sebagian kembali ke IGD dalam beberapa hari.",
        approach="Perawat membagikan kode QR berisi video edukasi singkat sesuai diagnosis pasien, "
        "yang dapat diputar ulang keluarga di rumah.",
        steps=("perawat dan dokter menyusun naskah edukasi untuk sepuluh diagnosis terbanyak",
               "tim humas memproduksi video berdurasi tiga sampai lima menit",
               "perawat memberikan kode QR saat edukasi pulang",
               "perawat menelepon pasien tiga hari setelah pulang"),
        actors=("perawat ruang rawat inap", "dokter penanggung jawab pasien", "tim humas RSUD",
                "keluarga pasien"),
        tools=("video edukasi berbahasa Indonesia dan Jawa", "kartu kode QR",
               "daftar telepon tindak lanjut"),
        measures=("angka kunjungan ulang ke IGD dalam tujuh hari", "jumlah pemutaran video"),
        goal="Membekali pasien dan keluarga dengan informasi perawatan di rumah yang dapat diputar "
        "ulang.",
        benefit="Keluarga lebih percaya diri merawat pasien di rumah, dan kunjungan ulang yang tidak "
        "perlu berkurang.",
        result="Uji coba di dua ruang rawat inap menurunkan kunjungan ulang ke IGD dalam tujuh hari "
        "dari 9 persen menjadi 5 persen.",
    ),
    _Idea(
        org="dpmptsp", title="MPP Keliling: Mal Pelayanan Publik Keliling", path="resubmitted",
        urusan="Penanaman Modal",
        terkait="Administrasi Kependudukan dan Pencatatan Sipil; Perhubungan",
        inisiator="kepala_daerah", tahapan="penerapan", jenis="non_digital",
        bentuk="pelayanan_publik", anggaran=175_000_000,
        problem="Mal Pelayanan Publik hanya ada di pusat kota, sementara warga di pinggiran harus "
        "meluangkan setengah hari untuk datang. Layanan perizinan, kependudukan, dan perpajakan "
        "juga tersebar di beberapa kantor.",
        approach="Sebuah bus layanan membawa petugas dari beberapa instansi ke kelurahan secara "
        "terjadwal, sehingga warga dapat mengurus beberapa layanan sekaligus di satu tempat.",
        steps=("DPMPTSP menyusun jadwal kunjungan bersama kecamatan",
               "instansi mitra menugaskan petugas dan perangkatnya",
               "bus layanan membuka loket di halaman kelurahan pada hari yang diumumkan",
               "permohonan yang belum selesai diteruskan ke MPP dan hasilnya diantar"),
        actors=("DPMPTSP", "Dispendukcapil", "Bapenda", "Samsat dan BPJS Kesehatan"),
        tools=("bus layanan dengan empat loket", "jaringan internet satelit",
               "genset dan perangkat cetak"),
        measures=("jumlah layanan per kunjungan", "jumlah kelurahan yang dikunjungi",
                  "kepuasan pengguna layanan"),
        goal="Mendekatkan layanan Mal Pelayanan Publik kepada warga di kelurahan yang jauh dari "
        "pusat kota.",
        benefit="Warga menghemat waktu dan biaya perjalanan serta dapat mengurus beberapa keperluan "
        "sekaligus.",
        result="Bus layanan mengunjungi 46 kelurahan dan melayani 7.930 permohonan dalam setahun "
        "dengan indeks kepuasan 88,4.",
        note="Mohon jelaskan dasar kerja sama dengan instansi vertikal dan lampirkan perjanjian kerja "
        "samanya; jadwal kunjungan yang diunggah masih versi rencana.",
        fix="Perjanjian kerja sama dengan Samsat dan BPJS Kesehatan",
    ),
    _Idea(
        org="dpmptsp", title="Kliwon: Konsultasi Izin Lewat WhatsApp Online", path="verified",
        urusan="Penanaman Modal", terkait="Koperasi, Usaha Kecil dan Menengah", inisiator="asn",
        tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik", anggaran=None,
        problem="Calon pemohon izin banyak yang datang ke kantor hanya untuk bertanya persyaratan. "
        "Antrean konsultasi menumpuk dan petugas loket tidak sempat melayani penyerahan berkas.",
        approach="Konsultasi persyaratan izin dilayani melalui WhatsApp resmi oleh petugas khusus, "
        "dengan jawaban standar yang disepakati tim teknis dan janji temu bila perlu bertatap "
        "muka.",
        steps=("tim menyusun daftar pertanyaan yang sering diajukan untuk 40 jenis izin",
               "petugas konsultasi menjawab pesan pada jam layanan",
               "pertanyaan teknis diteruskan ke tim teknis dan dijawab paling lama dua hari",
               "pemohon yang membutuhkan konsultasi tatap muka diberi jadwal"),
        actors=("petugas konsultasi DPMPTSP", "tim teknis perizinan",
                "pelaku usaha mikro dan kecil"),
        tools=("WhatsApp Business dengan label percakapan", "daftar jawaban standar",
               "formulir janji temu"),
        measures=("jumlah konsultasi daring per bulan",
                  "penurunan kunjungan yang hanya untuk bertanya", "waktu jawaban rata-rata"),
        goal="Mengurangi kunjungan yang tidak perlu ke kantor dengan memberikan konsultasi izin yang "
        "cepat dari jarak jauh.",
        benefit="Pemohon cukup datang sekali dengan berkas lengkap, dan petugas loket dapat fokus "
        "melayani berkas.",
        result="Sebanyak 5.210 konsultasi dilayani melalui WhatsApp; kunjungan yang hanya untuk "
        "bertanya turun 62 persen.",
    ),
    _Idea(
        org="dispendukcapil", title="Aksi Laris: Akta Kelahiran Langsung dari Rumah Sakit",
        path="verified", urusan="Administrasi Kependudukan dan Pencatatan Sipil",
        terkait="Kesehatan", inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital",
        bentuk="pelayanan_publik", anggaran=22_000_000,
        problem="Banyak orang tua baru mengurus akta kelahiran ketika anak akan masuk sekolah. "
        "Keterlambatan ini menyulitkan pendataan anak dan akses layanan kesehatan.",
        approach="Bidan dan petugas rumah sakit mengunggah surat keterangan lahir serta dokumen orang "
        "tua, sehingga akta kelahiran, kartu keluarga baru, dan kartu identitas anak terbit sebelum "
        "ibu pulang.",
        steps=("Dispendukcapil menandatangani kerja sama dengan rumah sakit dan bidan praktik",
               "petugas fasilitas kesehatan mengunggah berkas kelahiran melalui aplikasi",
               "Dispendukcapil memproses dan menandatangani akta secara elektronik",
               "orang tua menerima dokumen dalam bentuk PDF untuk dicetak mandiri"),
        actors=("Bidang Pelayanan Pencatatan Sipil", "petugas administrasi rumah sakit",
                "bidan praktik mandiri", "orang tua bayi"),
        tools=("aplikasi pelayanan daring Dispendukcapil", "tanda tangan elektronik",
               "kertas HVS untuk cetak mandiri"),
        measures=("persentase kelahiran yang langsung memperoleh akta",
                  "rata-rata waktu terbit akta", "jumlah fasilitas kesehatan mitra"),
        goal="Memastikan setiap bayi yang lahir di Kota Kediri memperoleh akta kelahiran sebelum "
        "pulang dari tempat persalinan.",
        benefit="Orang tua tidak perlu datang ke kantor, dan hak identitas anak terpenuhi sejak lahir.",
        result="Sebanyak 92 persen kelahiran di 14 fasilitas kesehatan mitra langsung memperoleh akta "
        "dalam satu hari.",
    ),
    _Idea(
        org="dispendukcapil", title="IKD Pelajar: Identitas Kependudukan Digital untuk Pelajar",
        path="returned_twice", urusan="Administrasi Kependudukan dan Pencatatan Sipil",
        terkait="Pendidikan", inisiator="perangkat_daerah", tahapan="uji_coba", jenis="digital",
        bentuk="pelayanan_publik", anggaran=14_000_000,
        problem="Aktivasi identitas kependudukan digital di Kota Kediri masih rendah, terutama di "
        "kalangan pemula berusia 17 tahun yang baru merekam KTP elektronik.",
        approach="Petugas mendatangi SMA dan SMK untuk merekam KTP elektronik sekaligus mengaktifkan "
        "identitas kependudukan digital di ponsel siswa, disertai edukasi perlindungan data "
        "pribadi.",
        steps=("Dispendukcapil dan Cabang Dinas Pendidikan menyusun jadwal kunjungan sekolah",
               "sekolah mengumpulkan siswa yang telah berusia 17 tahun",
               "petugas merekam dan mengaktifkan identitas digital di lokasi",
               "siswa mengikuti sesi singkat tentang keamanan data pribadi"),
        actors=("petugas Dispendukcapil", "guru bimbingan konseling", "siswa kelas XII",
                "Cabang Dinas Pendidikan Provinsi"),
        tools=("perangkat perekaman portabel", "aplikasi Identitas Kependudukan Digital",
               "materi edukasi perlindungan data"),
        measures=("jumlah aktivasi identitas digital", "jumlah sekolah yang dikunjungi"),
        goal="Meningkatkan aktivasi identitas kependudukan digital di kalangan pemula.",
        benefit="Siswa memiliki identitas digital untuk pendaftaran kuliah dan kerja, dan target "
        "aktivasi daerah lebih cepat tercapai.",
        result="Uji coba di 12 sekolah: 2.480 siswa merekam KTP elektronik dan 2.115 mengaktifkan "
        "identitas digital.",
        note="Aplikasi identitas digital adalah program nasional. Jelaskan unsur pembaruan yang "
        "dilakukan daerah (misalnya model layanan di sekolah) dan lampirkan jadwal serta daftar "
        "hadir.",
        note2="Penjelasan unsur pembaruan sudah memadai, tetapi daftar hadir yang diunggah hanya "
        "mencakup 4 dari 12 sekolah. Lengkapi sebelum batas verifikasi.",
        fix="Jadwal kunjungan sekolah dan daftar hadir",
    ),
    _Idea(
        org="dispendik", title="Gerak Linum: Guru Penggerak Literasi dan Numerasi",
        path="submitted", urusan="Pendidikan", inisiator="asn", tahapan="penerapan",
        jenis="non_digital", bentuk="urusan_lainnya", anggaran=52_000_000,
        problem="Rapor pendidikan menunjukkan kemampuan numerasi siswa SD di Kota Kediri tertinggal "
        "dari literasi membaca. Pelatihan guru selama ini berupa seminar sekali jalan tanpa "
        "pendampingan di kelas.",
        approach="Guru-guru terbaik dipilih menjadi penggerak yang mendampingi rekan sejawat di "
        "gugus sekolahnya melalui observasi kelas, praktik pembelajaran berbasis permainan, dan "
        "refleksi bulanan.",
        steps=("Dinas Pendidikan memilih 40 guru penggerak melalui seleksi terbuka",
               "guru penggerak mengikuti pelatihan pembelajaran numerasi berbasis permainan",
               "setiap guru penggerak mendampingi lima guru di gugusnya selama satu semester",
               "hasil asesmen diagnostik siswa dibahas dalam komunitas belajar"),
        actors=("guru penggerak", "kepala sekolah", "pengawas sekolah",
                "komunitas belajar gugus"),
        tools=("modul permainan numerasi", "instrumen asesmen diagnostik",
               "lembar observasi kelas"),
        measures=("skor numerasi pada rapor pendidikan", "jumlah guru yang didampingi",
                  "hasil asesmen diagnostik awal dan akhir semester"),
        goal="Meningkatkan kemampuan numerasi siswa sekolah dasar melalui pendampingan guru oleh "
        "rekan sejawat.",
        benefit="Guru memperoleh pendampingan berkelanjutan di kelasnya sendiri, dan siswa belajar "
        "matematika dengan cara yang menyenangkan.",
        result="Sebanyak 200 guru didampingi; proporsi siswa di atas kompetensi minimum numerasi "
        "naik dari 49 persen menjadi 60 persen.",
    ),
    _Idea(
        org="dispendik", title="Rapor Pendidikan Terbuka Sekolah", path="rejected",
        urusan="Pendidikan", terkait="Komunikasi dan Informatika", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="digital", bentuk="tata_kelola", anggaran=None,
        problem="Orang tua tidak mengetahui capaian mutu sekolah anaknya, padahal data rapor "
        "pendidikan setiap sekolah sudah tersedia.",
        approach="Sekolah mengunduh rapor pendidikan dari platform kementerian lalu menempelkan "
        "ringkasannya di papan pengumuman dan laman sekolah.",
        steps=("operator sekolah mengunduh rapor pendidikan dari platform kementerian",
               "sekolah mencetak ringkasan rapor",
               "ringkasan ditempel di papan pengumuman dan diunggah ke laman sekolah"),
        actors=("operator sekolah", "kepala sekolah", "orang tua siswa"),
        tools=("platform Rapor Pendidikan Kemendikbudristek", "laman sekolah"),
        measures=("jumlah sekolah yang memublikasikan rapor",),
        goal="Memberi orang tua akses pada informasi mutu sekolah.",
        benefit="Orang tua dapat ikut mendorong perbaikan mutu sekolah.",
        result="Sebanyak 86 sekolah memublikasikan ringkasan rapor pendidikan.",
        note="Kegiatan ini adalah kewajiban publikasi rapor pendidikan sesuai ketentuan kementerian "
        "dan tidak menambahkan cara baru; unsur kebaruan tidak terpenuhi sehingga tidak dapat "
        "diteruskan ke penilaian.",
    ),
    _Idea(
        org="dispendik", title="Beasiswa Anak Cerdas Daring", path="withdrawn_submitted",
        urusan="Pendidikan", terkait="Sosial", inisiator="kepala_daerah", tahapan="uji_coba",
        jenis="digital", bentuk="pelayanan_publik", anggaran=30_000_000,
        problem="Pendaftaran beasiswa daerah dilakukan dengan berkas fisik yang dikumpulkan di "
        "sekolah, sehingga prosesnya lama dan berkas rawan tercecer.",
        approach="Siswa mendaftar melalui formulir daring; data keluarga dicocokkan otomatis dengan "
        "data terpadu kesejahteraan sosial dan nilai rapor dari sekolah.",
        steps=("Dinas Pendidikan menyusun kriteria dan formulir daring",
               "sekolah memvalidasi nilai rapor pendaftar",
               "sistem mencocokkan data keluarga dengan data kesejahteraan sosial",
               "tim seleksi menetapkan penerima dan mengumumkannya secara daring"),
        actors=("Bidang Pembinaan Sekolah Dinas Pendidikan", "operator sekolah", "Dinas Sosial",
                "siswa dan orang tua"),
        tools=("formulir pendaftaran daring", "modul pencocokan data", "laman pengumuman"),
        measures=("jumlah pendaftar daring", "lama proses seleksi"),
        goal="Mempercepat seleksi penerima beasiswa daerah dan membuatnya dapat "
        "dipertanggungjawabkan.",
        benefit="Siswa dari keluarga kurang mampu lebih mudah mendaftar, dan hasil seleksi lebih "
        "transparan.",
        result="Uji coba di 10 SMP: 640 siswa mendaftar daring dan seleksi selesai dalam 12 hari.",
        note="Ditarik karena sistem pendaftaran sedang diintegrasikan dengan aplikasi beasiswa "
        "provinsi; akan diajukan kembali setelah integrasi selesai.",
    ),
    _Idea(
        org="bappeda", title="E-Musrenbang Spasial: Usulan Pembangunan Berbasis Peta",
        path="verified", urusan="Perencanaan Pembangunan",
        terkait="Pekerjaan Umum dan Penataan Ruang", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="digital", bentuk="tata_kelola", anggaran=110_000_000,
        problem="Usulan musrenbang kelurahan banyak yang berulang setiap tahun karena lokasinya "
        "tidak jelas dan tidak diketahui apakah sudah pernah dikerjakan.",
        approach="Setiap usulan musrenbang harus ditandai titik lokasinya di peta, dilengkapi foto "
        "kondisi, dan dicocokkan dengan riwayat pembangunan di lokasi yang sama.",
        steps=("Bappeda menyiapkan peta dasar dan riwayat kegiatan lima tahun terakhir",
               "kelurahan memasukkan usulan dengan titik lokasi dan foto",
               "sistem menandai usulan yang tumpang tindih dengan kegiatan sebelumnya",
               "perangkat daerah teknis memberi status usulan yang dapat dipantau warga"),
        actors=("Bappeda", "lurah dan LPMK", "perangkat daerah teknis",
                "delegasi musrenbang"),
        tools=("aplikasi e-Musrenbang dengan peta", "foto bergeotag",
               "peta riwayat pembangunan"),
        measures=("persentase usulan dengan titik lokasi yang valid",
                  "jumlah usulan ganda yang tersaring",
                  "persentase usulan yang terakomodasi anggaran"),
        goal="Membuat usulan pembangunan dari kelurahan terukur, tidak berulang, dan dapat dipantau "
        "tindak lanjutnya.",
        benefit="Warga dapat melihat nasib usulannya, dan perangkat daerah menerima usulan yang jelas "
        "lokasinya.",
        result="Sebanyak 2.380 usulan masuk dengan titik lokasi; 214 usulan ganda tersaring dan 41 "
        "persen usulan terakomodasi anggaran.",
    ),
    _Idea(
        org="bapenda", title="Pajak Daerah Cashless melalui QRIS", path="submitted",
        urusan="Keuangan", inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital",
        bentuk="tata_kelola", anggaran=38_000_000,
        problem="Pajak hotel, restoran, dan hiburan masih banyak dibayar tunai melalui petugas, "
        "sehingga setoran terlambat dan sulit direkonsiliasi.",
        approach="Setiap tagihan pajak daerah dilengkapi kode QRIS dinamis yang dapat dibayar dari "
        "aplikasi bank atau dompet digital apa pun, dengan bukti bayar otomatis.",
        steps=("Bapenda dan bank daerah menyiapkan layanan QRIS dinamis",
               "sistem pajak daerah menerbitkan kode bayar untuk setiap tagihan",
               "wajib pajak membayar dan menerima bukti elektronik",
               "rekonsiliasi harian berjalan otomatis"),
        actors=("Bidang Pajak Daerah Bapenda", "bank persepsi",
                "wajib pajak hotel, restoran, dan hiburan"),
        tools=("QRIS dinamis", "sistem informasi pajak daerah", "dasbor rekonsiliasi"),
        measures=("persentase pembayaran non-tunai", "ketepatan waktu setoran",
                  "selisih rekonsiliasi"),
        goal="Mempermudah pembayaran pajak daerah dan mempercepat setoran ke kas daerah.",
        benefit="Wajib pajak membayar kapan saja tanpa antre, dan daerah menerima setoran pada hari "
        "yang sama.",
        result="Pembayaran non-tunai pajak restoran naik dari 22 persen menjadi 81 persen.",
    ),
    _Idea(
        org="bapenda", title="Si-Paten Drone: Pemutakhiran Objek PBB dengan Foto Udara",
        path="returned", urusan="Keuangan",
        terkait="Pertanahan; Pekerjaan Umum dan Penataan Ruang", inisiator="asn",
        tahapan="uji_coba", jenis="digital", bentuk="tata_kelola", anggaran=96_000_000,
        problem="Data objek PBB tidak diperbarui selama bertahun-tahun, sehingga banyak bangunan baru "
        "belum tercatat dan nilai pajak tidak sesuai kondisi lapangan.",
        approach="Foto udara dari drone dibandingkan dengan peta objek pajak untuk menemukan bangunan "
        "baru atau perubahan luas, yang kemudian dicek petugas di lapangan.",
        steps=("tim memotret wilayah uji coba dengan drone pemetaan",
               "foto udara ditumpangkan pada peta bidang objek pajak",
               "petugas menandai perbedaan dan melakukan cek lapangan",
               "data objek pajak diperbarui dan wajib pajak diberi pemberitahuan"),
        actors=("Bidang PBB dan BPHTB Bapenda", "pilot drone bersertifikat",
                "petugas pendataan lapangan", "lurah"),
        tools=("drone pemetaan", "perangkat lunak pengolah ortofoto",
               "aplikasi sistem informasi geografis"),
        measures=("jumlah objek pajak baru yang ditemukan", "tambahan ketetapan PBB",
                  "luas wilayah yang dipetakan"),
        goal="Memutakhirkan data objek PBB secara cepat dan akurat sebagai dasar penetapan pajak "
        "yang adil.",
        benefit="Pajak dihitung sesuai kondisi sebenarnya, dan beban pajak lebih adil antarwarga.",
        result="Uji coba di tiga kelurahan menemukan 1.214 bangunan baru dan perubahan luas yang "
        "belum tercatat.",
        note="Mohon lampirkan izin terbang drone dan jelaskan perlindungan data foto udara "
        "permukiman. Nilai tambahan ketetapan PBB belum disebutkan.",
    ),
    _Idea(
        org="bkpsdm", title="e-Kinerja Harian ASN", path="rejected", urusan="Kepegawaian",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital", bentuk="tata_kelola",
        anggaran=45_000_000, implemented_days_ago=1650,
        problem="Penilaian kinerja ASN dilakukan di akhir tahun sehingga tidak menggambarkan "
        "pekerjaan sehari-hari dan sulit dijadikan dasar pembinaan.",
        approach="ASN mengisi aktivitas harian di aplikasi dan atasan memvalidasinya setiap minggu; "
        "rekapnya digunakan sebagai dasar tambahan penghasilan pegawai.",
        steps=("ASN mengisi aktivitas harian", "atasan memvalidasi aktivitas setiap minggu",
               "rekap bulanan digunakan untuk menghitung tambahan penghasilan"),
        actors=("seluruh ASN", "atasan langsung", "BKPSDM"),
        tools=("aplikasi e-Kinerja",),
        measures=("persentase ASN yang mengisi aktivitas harian",),
        goal="Mengukur kinerja ASN secara harian.",
        benefit="Kinerja ASN terpantau dan tambahan penghasilan dibayarkan sesuai aktivitas.",
        result="Sebanyak 97 persen ASN mengisi aktivitas harian.",
        note="Aplikasi ini diterapkan lebih dari empat tahun lalu dan kini menjadi kewajiban rutin, "
        "sedangkan inovasi yang dinilai harus diterapkan paling lama dua tahun terakhir. Syarat "
        "kebaruan tidak terpenuhi.",
    ),
    _Idea(
        org="bpbd", title="Katana Brantas: Kelurahan Tangguh Bencana Tepi Sungai Brantas",
        path="verified", urusan="Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
        terkait="Sosial; Lingkungan Hidup", inisiator="perangkat_daerah", tahapan="penerapan",
        jenis="non_digital", bentuk="urusan_lainnya", anggaran=68_000_000,
        problem="Kelurahan di tepi Sungai Brantas rawan banjir setiap musim hujan, tetapi warga belum "
        "memiliki rencana evakuasi dan informasi ketinggian air datang terlambat.",
        approach="BPBD membentuk dan melatih relawan kelurahan tangguh bencana yang memantau papan "
        "duga air, menyebarkan peringatan dini melalui pengeras suara masjid dan grup warga, serta "
        "memandu evakuasi.",
        steps=("BPBD memetakan risiko banjir bersama warga di setiap kelurahan tepi sungai",
               "relawan dilatih pertolongan pertama dan manajemen evakuasi",
               "papan duga air dan rambu jalur evakuasi dipasang",
               "simulasi evakuasi dilaksanakan sebelum musim hujan"),
        actors=("BPBD", "relawan kelurahan tangguh bencana", "lurah dan ketua RT",
                "PMI dan Tagana"),
        tools=("papan duga air", "rambu jalur evakuasi", "pengeras suara dan handy talky",
               "peta risiko partisipatif"),
        measures=("jumlah kelurahan dengan rencana kontinjensi",
                  "waktu penyebaran peringatan dini", "jumlah warga yang mengikuti simulasi"),
        goal="Membangun kemampuan warga tepi Sungai Brantas untuk mengantisipasi dan menanggapi "
        "banjir secara mandiri.",
        benefit="Warga mendapat peringatan lebih awal dan tahu ke mana harus mengungsi, sehingga "
        "kerugian dan korban dapat ditekan.",
        result="Delapan kelurahan memiliki rencana kontinjensi dan 240 relawan terlatih; pada banjir "
        "terakhir peringatan sampai ke warga 40 menit sebelum air naik.",
    ),
    _Idea(
        org="dinsos", title="Rumah Singgah Disabilitas Produktif", path="draft", gap="short",
        urusan="Sosial", terkait="Tenaga Kerja", inisiator="masyarakat", tahapan="inisiatif",
        jenis="non_digital", bentuk="pelayanan_publik", anggaran=None,
        problem="Penyandang disabilitas dewasa di Kota Kediri banyak yang tidak bekerja dan jarang "
        "keluar rumah karena tidak ada tempat berlatih keterampilan yang ramah disabilitas.",
        approach="Rumah singgah menyediakan pelatihan keterampilan, pendampingan psikososial, dan "
        "penghubung ke pemberi kerja bagi penyandang disabilitas dewasa.",
        steps=("Dinsos mendata penyandang disabilitas usia kerja",
               "gedung yang aksesibel disiapkan", "Dinsos menjalin kemitraan dengan pelaku usaha"),
        actors=("Dinas Sosial", "organisasi penyandang disabilitas", "pelaku usaha"),
        tools=("ruang pelatihan aksesibel", "peralatan menjahit dan kerajinan"),
        measures=("jumlah peserta pelatihan", "jumlah peserta yang bekerja"),
        goal="Membuka peluang kerja bagi penyandang disabilitas dewasa.",
        benefit="Penyandang disabilitas lebih mandiri secara ekonomi.",
        result="Belum ada; inovasi masih tahap perencanaan.",
    ),
    _Idea(
        org="dishub", title="Halte Pintar Bus Sekolah", path="withdrawn_returned",
        urusan="Perhubungan", terkait="Pendidikan", inisiator="dprd", tahapan="uji_coba",
        jenis="digital", bentuk="pelayanan_publik", anggaran=260_000_000,
        problem="Siswa menunggu bus sekolah gratis tanpa tahu kapan bus datang, sehingga banyak yang "
        "memilih diantar sepeda motor atau naik ojek.",
        approach="Bus sekolah dipasangi pelacak GPS, dan halte utama dilengkapi layar yang "
        "menampilkan perkiraan kedatangan bus, yang juga dapat dilihat melalui aplikasi.",
        steps=("Dishub memasang pelacak GPS pada sebelas bus sekolah",
               "layar informasi dipasang di delapan halte utama",
               "halaman perkiraan kedatangan disediakan untuk siswa dan orang tua",
               "ketepatan jadwal dievaluasi setiap bulan"),
        actors=("Bidang Angkutan Dishub", "pengemudi bus sekolah", "sekolah",
                "siswa dan orang tua"),
        tools=("pelacak GPS", "layar informasi halte", "aplikasi pelacakan bus"),
        measures=("jumlah penumpang bus sekolah", "ketepatan waktu kedatangan bus"),
        goal="Meningkatkan penggunaan bus sekolah gratis melalui informasi kedatangan yang pasti.",
        benefit="Siswa tidak menunggu lama di halte, dan orang tua tenang karena posisi bus dapat "
        "dipantau.",
        result="Uji coba di dua rute menaikkan penumpang harian dari 380 menjadi 515 siswa.",
        note="Lampirkan bukti bahwa layar halte sudah terpasang dan berfungsi; foto yang diunggah "
        "masih berupa desain.",
        note2="Ditarik karena pemasangan layar halte tertunda sampai anggaran perubahan; akan "
        "diajukan tahun depan.",
    ),
    _Idea(
        org="dlh", title="Sedekah Sampah Jumat Bersih", path="submitted",
        urusan="Lingkungan Hidup", terkait="Sosial", inisiator="masyarakat", tahapan="penerapan",
        jenis="non_digital", bentuk="urusan_lainnya", anggaran=6_000_000,
        problem="Sampah anorganik rumah tangga di permukiman padat banyak dibakar atau dibuang ke "
        "saluran air, sementara kerja bakti makin kurang diminati warga.",
        approach="Warga menyedekahkan sampah anorganik terpilah setiap Jumat pagi ke masjid, gereja, "
        "atau balai RW; hasil penjualannya dipakai untuk kegiatan sosial dan lingkungan.",
        steps=("DLH menyosialisasikan pemilahan bersama tokoh agama dan ketua RW",
               "warga mengumpulkan sampah anorganik terpilah di rumah",
               "pengurus tempat ibadah menimbang dan mencatat sedekah sampah setiap Jumat",
               "hasil penjualan dilaporkan terbuka dan dipakai untuk santunan atau perbaikan "
               "lingkungan"),
        actors=("fasilitator DLH", "takmir masjid dan pengurus gereja", "ketua RW", "warga"),
        tools=("karung pilah bertanda", "timbangan", "buku catatan sedekah sampah"),
        measures=("jumlah titik sedekah sampah", "tonase sampah anorganik terkumpul",
                  "dana sosial yang dihasilkan"),
        goal="Mengurangi sampah anorganik yang dibakar atau dibuang sembarangan melalui gerakan "
        "berbasis tempat ibadah.",
        benefit="Lingkungan lebih bersih, saluran air tidak tersumbat, dan hasil sedekah membantu "
        "warga kurang mampu.",
        result="Terdapat 63 titik sedekah sampah yang mengumpulkan rata-rata 9,5 ton per bulan dan "
        "menghasilkan dana sosial Rp14,2 juta dalam setahun.",
    ),
    _Idea(
        org="dlh", title="Pemantauan Kualitas Udara Real-Time", path="draft", gap="category",
        urusan="Lingkungan Hidup", terkait="Kesehatan", inisiator="perangkat_daerah",
        tahapan="uji_coba", jenis="digital", bentuk="urusan_lainnya", anggaran=145_000_000,
        problem="Kota Kediri belum memiliki data kualitas udara harian; keluhan warga tentang asap "
        "pembakaran dan debu jalan tidak dapat ditanggapi dengan data.",
        approach="Sensor kualitas udara berbiaya rendah dipasang di titik padat lalu lintas dan "
        "permukiman, dikalibrasi terhadap stasiun rujukan, dan hasilnya ditampilkan di laman "
        "publik.",
        steps=("DLH memilih lokasi sensor bersama Dinas Kesehatan",
               "sensor dipasang dan dikalibrasi",
               "indeks kualitas udara ditampilkan di laman publik",
               "tindak lanjut disusun ketika indeks memburuk"),
        actors=("Bidang Pengendalian Pencemaran DLH", "Dinas Kesehatan",
                "perguruan tinggi mitra"),
        tools=("sensor partikulat PM2.5", "laman indeks kualitas udara",
               "stasiun rujukan milik provinsi"),
        measures=("jumlah hari dengan kualitas udara baik", "ketersediaan data harian"),
        goal="Menyediakan data kualitas udara harian sebagai dasar kebijakan pengendalian "
        "pencemaran.",
        benefit="Warga dapat mengetahui kualitas udara, dan kelompok rentan dapat mengambil langkah "
        "perlindungan.",
        result="Lima sensor beroperasi sejak uji coba dengan ketersediaan data 93 persen.",
    ),
    _Idea(
        org="satpolpp", title="Pak Tertib: Patroli Ketertiban Berbasis Laporan Warga",
        path="rejected", urusan="Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="digital",
        bentuk="pelayanan_publik", anggaran=25_000_000,
        problem="Laporan gangguan ketertiban dari warga diterima lewat telepon kantor dan sering "
        "tidak tercatat, sehingga regu patroli tidak tahu prioritas lokasi.",
        approach="Warga melaporkan gangguan ketertiban melalui formulir daring, dan regu patroli "
        "menindaklanjutinya berdasarkan urutan laporan.",
        steps=("warga mengisi formulir laporan", "regu patroli menindaklanjuti laporan",
               "hasil tindak lanjut dilaporkan kepada pimpinan"),
        actors=("regu patroli Satpol PP", "warga"),
        tools=("formulir daring", "grup WhatsApp regu patroli"),
        measures=("jumlah laporan yang ditindaklanjuti",),
        goal="Menindaklanjuti laporan gangguan ketertiban lebih cepat.",
        benefit="Gangguan ketertiban lebih cepat ditangani.",
        result="Sebanyak 412 laporan ditindaklanjuti.",
        note="Kanal yang sama sudah berjalan sebagai bagian dari Lapor Mas Wali (Diskominfo) dan "
        "data dukung tidak menunjukkan perbedaan layanan; kegiatan yang sama diajukan ganda. "
        "Silakan berkoordinasi dengan Diskominfo.",
    ),
    _Idea(
        org="kel_bandar_lor", title="Kampung Digital Bandar Lor", path="verified",
        urusan="Pemberdayaan Masyarakat",
        terkait="Komunikasi dan Informatika; Koperasi, Usaha Kecil dan Menengah",
        inisiator="masyarakat", tahapan="penerapan", jenis="digital", bentuk="urusan_lainnya",
        anggaran=11_000_000,
        problem="Pelaku usaha rumahan di Bandar Lor, terutama pembuat tahu dan camilan, hanya "
        "menjual ke tetangga dan pasar terdekat. Banyak yang belum bisa memotret produk atau "
        "menerima pembayaran digital.",
        approach="Karang taruna menjadi pendamping digital yang membantu pelaku usaha membuat akun "
        "toko daring, memotret produk, dan memasang QRIS, dengan balai kelurahan sebagai pusat "
        "belajar.",
        steps=("kelurahan mendata pelaku usaha rumahan per RW",
               "karang taruna mengikuti pelatihan pendamping digital",
               "pendamping membantu pelaku usaha membuat katalog dan akun pembayaran",
               "kelurahan menggelar pasar daring bersama setiap bulan"),
        actors=("Kelurahan Bandar Lor", "karang taruna", "pelaku usaha rumahan",
                "Diskop UM sebagai pembina"),
        tools=("Wi-Fi balai kelurahan", "ponsel pendamping dan lampu foto sederhana",
               "katalog daring kelurahan"),
        measures=("jumlah pelaku usaha yang berjualan daring",
                  "jumlah pelaku usaha yang menerima QRIS", "omzet rata-rata per bulan"),
        goal="Membantu pelaku usaha rumahan memasarkan produknya secara daring dengan pendampingan "
        "pemuda setempat.",
        benefit="Pasar pelaku usaha meluas ke luar kelurahan, dan pemuda memperoleh pengalaman kerja "
        "nyata.",
        result="Sebanyak 74 pelaku usaha berjualan daring, 61 menerima QRIS, dan omzet rata-rata "
        "naik 35 persen.",
    ),
    _Idea(
        org="diskopum", title="Katalog Digital Produk UMKM Kediri", path="returned",
        urusan="Koperasi, Usaha Kecil dan Menengah", terkait="Perdagangan; Pariwisata",
        inisiator="perangkat_daerah", tahapan="uji_coba", jenis="digital",
        bentuk="pelayanan_publik", anggaran=55_000_000,
        problem="Pembeli dari luar kota, termasuk perangkat daerah yang berbelanja untuk kegiatan, "
        "kesulitan menemukan produk UMKM Kediri beserta kontak dan harganya.",
        approach="Katalog daring memuat produk UMKM yang sudah dikurasi, lengkap dengan foto, harga, "
        "izin edar, dan tombol pemesanan langsung ke pelaku usaha.",
        steps=("Diskop UM mengurasi produk berdasarkan izin edar dan kualitas kemasan",
               "pelaku usaha dibantu memotret produk dan menulis deskripsi",
               "katalog diterbitkan dan dihubungkan dengan pengadaan perangkat daerah",
               "penjualan melalui katalog dipantau setiap bulan"),
        actors=("Bidang Usaha Mikro Diskop UM", "pelaku UMKM", "kurator produk",
                "pejabat pengadaan perangkat daerah"),
        tools=("laman katalog produk", "studio foto produk", "tombol pemesanan WhatsApp"),
        measures=("jumlah produk terkurasi", "nilai transaksi melalui katalog"),
        goal="Memperluas pasar produk UMKM Kediri melalui katalog daring yang terpercaya.",
        benefit="Pembeli menemukan produk lokal dengan mudah, dan UMKM memperoleh pesanan baru.",
        result="Uji coba memuat 320 produk dari 145 UMKM dengan transaksi Rp412 juta dalam empat "
        "bulan.",
        note="Nilai transaksi Rp412 juta perlu didukung rekap pesanan. Mohon lampirkan juga "
        "keputusan kepala dinas tentang kurasi produk.",
    ),
    _Idea(
        org="disperdagin", title="Pasar Raya QRIS: Retribusi Pasar Rakyat Non-Tunai",
        path="withdrawn_draft", urusan="Perdagangan", terkait="Keuangan",
        inisiator="perangkat_daerah", tahapan="uji_coba", jenis="digital",
        bentuk="pelayanan_publik", anggaran=20_000_000,
        problem="Retribusi pelayanan pasar dipungut tunai setiap hari, sehingga rawan selisih dan "
        "pedagang tidak mendapat bukti bayar.",
        approach="Pedagang membayar retribusi dengan memindai kode QRIS di kiosnya dan menerima "
        "bukti elektronik, sementara petugas memantau setoran dari dasbor.",
        steps=("kode QRIS dipasang di setiap los dan kios",
               "pedagang dan petugas pasar dilatih", "setoran harian dipantau dari dasbor"),
        actors=("UPT Pasar", "pedagang", "bank persepsi"),
        tools=("QRIS", "dasbor retribusi"),
        measures=("persentase pedagang yang membayar non-tunai",),
        goal="Membuat pembayaran retribusi pasar tertib dan transparan.",
        benefit="Pedagang memperoleh bukti bayar, dan setoran daerah lebih akurat.",
        result="Uji coba berjalan di Pasar Setonobetek.",
        note="Ditarik atas arahan kepala dinas karena program serupa dijalankan Bapenda untuk "
        "seluruh retribusi daerah.",
    ),
    _Idea(
        org="dkpp", title="Pekarangan Pangan Lestari Perkotaan", path="submitted",
        urusan="Pangan", terkait="Pertanian; Kesehatan", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="non_digital", bentuk="urusan_lainnya", anggaran=47_000_000,
        problem="Keluarga di permukiman padat membeli hampir seluruh sayuran dari pasar dengan harga "
        "yang naik-turun, sementara pekarangan sempit dan atap rumah tidak dimanfaatkan.",
        approach="Kelompok wanita tani dibina untuk menanam sayuran dalam polybag, vertikultur, dan "
        "hidroponik sederhana di pekarangan sempit, dengan kebun bibit bersama di setiap "
        "kelurahan.",
        steps=("DKPP membentuk kelompok wanita tani di kelurahan sasaran",
               "kelompok membangun kebun bibit bersama",
               "anggota menanam sayuran di pekarangan masing-masing dengan pendampingan penyuluh",
               "hasil panen dikonsumsi keluarga dan kelebihannya dijual di pasar tani"),
        actors=("penyuluh pertanian DKPP", "kelompok wanita tani", "PKK kelurahan", "posyandu"),
        tools=("kebun bibit kelurahan", "rak vertikultur dan instalasi hidroponik sederhana",
               "pupuk organik dari sisa dapur"),
        measures=("jumlah rumah tangga yang menanam", "volume panen sayuran per bulan",
                  "skor pola pangan harapan"),
        goal="Meningkatkan ketersediaan sayuran bergizi di tingkat rumah tangga perkotaan.",
        benefit="Keluarga menghemat belanja sayur, dan balita memperoleh asupan sayur yang lebih "
        "beragam.",
        result="Sebanyak 1.150 rumah tangga di 15 kelurahan menanam sayuran, dengan penghematan "
        "belanja sayur rata-rata Rp85.000 per bulan per keluarga.",
    ),
    _Idea(
        org="disbudparpora", title="Kediri Heritage Walk Berbasis Kode QR", path="draft",
        urusan="Pariwisata", terkait="Kebudayaan", inisiator="asn", tahapan="uji_coba",
        jenis="digital", bentuk="urusan_lainnya", anggaran=34_000_000,
        problem="Bangunan bersejarah di pusat Kota Kediri, seperti kawasan Pecinan dan jembatan lama "
        "Brantas, jarang dikunjungi karena wisatawan tidak mengetahui cerita di baliknya.",
        approach="Rute jalan kaki warisan budaya dilengkapi papan kode QR yang membuka narasi audio "
        "dan foto lama, serta tur berpemandu setiap akhir pekan bersama komunitas sejarah.",
        steps=("tim menyusun rute dan narasi bersama komunitas sejarah",
               "papan kode QR dipasang di 15 titik", "pemandu muda dilatih bercerita",
               "tur akhir pekan dipromosikan melalui media sosial"),
        actors=("Bidang Pariwisata Disbudparpora", "komunitas pegiat sejarah",
                "pemandu wisata muda", "pemilik bangunan bersejarah"),
        tools=("papan kode QR", "narasi audio dwibahasa", "peta rute cetak dan daring"),
        measures=("jumlah peserta tur", "jumlah pemindaian kode QR"),
        goal="Menghidupkan wisata sejarah kota melalui rute jalan kaki yang mudah diikuti.",
        benefit="Wisatawan mengenal sejarah Kediri, dan pelaku usaha di sepanjang rute memperoleh "
        "pengunjung baru.",
        result="Selama tiga bulan uji coba, 1.480 orang mengikuti tur dan kode QR dipindai 6.300 "
        "kali.",
    ),
    _Idea(
        org="dp3ap2kb", title="Sahabat Perempuan dan Anak: Satgas PPA Kelurahan",
        path="submitted", urusan="Pemberdayaan Perempuan dan Perlindungan Anak",
        terkait="Sosial; Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
        inisiator="perangkat_daerah", tahapan="penerapan", jenis="non_digital",
        bentuk="pelayanan_publik", anggaran=58_000_000,
        problem="Korban kekerasan terhadap perempuan dan anak sering tidak melapor karena tidak tahu "
        "harus ke mana, dan kasus baru diketahui setelah parah.",
        approach="Di setiap kelurahan dibentuk satuan tugas relawan yang menjadi tempat pertama "
        "melapor, mendampingi korban ke UPTD PPA, dan melakukan pencegahan melalui penyuluhan.",
        steps=("DP3AP2KB menetapkan satgas di 46 kelurahan",
               "relawan dilatih penanganan awal dan rujukan kasus",
               "kasus dilaporkan dan dirujuk ke UPTD PPA dalam 24 jam",
               "satgas memberi penyuluhan di posyandu dan sekolah"),
        actors=("relawan Satgas PPA kelurahan", "UPTD Perlindungan Perempuan dan Anak",
                "kepolisian", "psikolog mitra"),
        tools=("kartu rujukan", "nomor layanan pengaduan",
               "modul penyuluhan pencegahan kekerasan"),
        measures=("jumlah kasus yang dilaporkan dan didampingi",
                  "waktu rujukan ke UPTD PPA", "jumlah sesi penyuluhan"),
        goal="Memastikan korban kekerasan terhadap perempuan dan anak memperoleh pertolongan pertama "
        "dan rujukan di lingkungannya sendiri.",
        benefit="Korban lebih berani melapor dan memperoleh pendampingan, sementara kasus dapat "
        "dicegah sejak dini.",
        result="Sebanyak 138 kasus didampingi dalam setahun, dan 91 persen dirujuk ke UPTD PPA "
        "dalam 24 jam.",
    ),
    _Idea(
        org="kel_ngadirejo", title="Lumbung Pangan RT Ngadirejo", path="draft", gap="fields",
        urusan="Pangan", inisiator="masyarakat", tahapan="inisiatif", jenis="non_digital",
        bentuk="urusan_lainnya", anggaran=None,
        problem="Warga berpenghasilan harian di Ngadirejo kesulitan memenuhi kebutuhan pangan saat "
        "harga beras naik.",
        approach="Setiap RT mengelola lumbung beras kecil dari iuran sukarela yang dapat dipinjam "
        "warga dan dikembalikan setelah panen atau gajian.",
        steps=("RT menyepakati aturan lumbung", "warga menyetor iuran beras",
               "pengurus mencatat pinjaman dan pengembalian"),
        actors=("ketua RT", "pengurus lumbung", "warga"),
        tools=("gudang kecil", "buku catatan lumbung"),
        measures=("jumlah keluarga yang terbantu",),
        goal="Menjaga ketersediaan beras bagi warga berpenghasilan harian.",
        benefit="Warga tidak terjerat utang saat harga beras naik.",
        result="Belum ada; masih rancangan.",
    ),
    _Idea(
        org="disnaker", title="Bursa Kerja Online Kota Kediri", path="returned",
        urusan="Tenaga Kerja", terkait="Pendidikan", inisiator="perangkat_daerah",
        tahapan="penerapan", jenis="digital", bentuk="pelayanan_publik", anggaran=42_000_000,
        problem="Informasi lowongan kerja dari perusahaan di Kediri tersebar di media sosial tanpa "
        "verifikasi, dan pencari kerja sering tertipu lowongan palsu.",
        approach="Perusahaan yang terverifikasi mengunggah lowongan di portal resmi; pencari kerja "
        "mendaftar dengan kartu pencari kerja digital dan mendapat rekomendasi lowongan sesuai "
        "keterampilan.",
        steps=("Disnaker memverifikasi perusahaan yang akan memasang lowongan",
               "pencari kerja membuat profil dan kartu kuning digital",
               "sistem mencocokkan profil dengan lowongan",
               "Disnaker menggelar bursa kerja hibrida setiap triwulan"),
        actors=("pengantar kerja Disnaker", "perusahaan", "pencari kerja", "BLK dan SMK"),
        tools=("portal bursa kerja", "kartu pencari kerja digital",
               "modul pencocokan lowongan"),
        measures=("jumlah lowongan terverifikasi", "jumlah pencari kerja yang ditempatkan",
                  "jumlah laporan lowongan palsu"),
        goal="Mempertemukan pencari kerja dan pemberi kerja melalui kanal resmi yang aman dari "
        "lowongan palsu.",
        benefit="Pencari kerja terlindungi dari penipuan, dan perusahaan memperoleh kandidat yang "
        "sesuai.",
        result="Sebanyak 1.960 lowongan terverifikasi dan 842 pencari kerja ditempatkan dalam "
        "setahun.",
        note="Jumlah penempatan 842 orang belum didukung data. Lampirkan laporan penempatan tenaga "
        "kerja dan jelaskan perbedaannya dengan SIAPkerja milik Kemnaker.",
    ),
    _Idea(
        org="dispusip", title="Pusling Kampung: Perpustakaan Keliling ke RW", path="draft",
        urusan="Perpustakaan", terkait="Pendidikan", inisiator="asn", tahapan="penerapan",
        jenis="non_digital", bentuk="pelayanan_publik", anggaran=26_000_000,
        problem="Kunjungan ke perpustakaan daerah terus menurun, sementara anak-anak di kampung padat "
        "jarang memiliki buku bacaan di rumah.",
        approach="Mobil perpustakaan keliling singgah di balai RW dan taman bermain pada sore hari, "
        "membawa buku anak, dongeng, dan kegiatan membaca bersama relawan.",
        steps=("Dispusip menyusun jadwal kunjungan bersama ketua RW",
               "relawan pendongeng dan pustakawan menyiapkan kegiatan",
               "anak-anak meminjam buku dengan kartu anggota sederhana",
               "koleksi dirotasi setiap bulan sesuai minat pembaca"),
        actors=("pustakawan Dispusip", "relawan pendongeng", "ketua RW dan kader PKK",
                "anak-anak dan orang tua"),
        tools=("mobil perpustakaan keliling", "koleksi 2.000 buku anak",
               "tikar baca dan alat peraga dongeng"),
        measures=("jumlah pengunjung per kunjungan", "jumlah buku dipinjam",
                  "jumlah RW yang dikunjungi"),
        goal="Mendekatkan bahan bacaan kepada anak-anak di kampung padat penduduk.",
        benefit="Anak-anak memiliki akses buku dan kegiatan membaca yang menyenangkan di dekat rumah.",
        result="Mobil perpustakaan menyinggahi 58 RW dan meminjamkan 11.400 buku dalam setahun.",
    ),
    _Idea(
        org="kec_pesantren", title="Si-Peka: Sistem Pelayanan Kecamatan Terpadu", path="rejected",
        urusan="Pemerintahan Umum", inisiator="perangkat_daerah", tahapan="inisiatif",
        jenis="digital", bentuk="pelayanan_publik", anggaran=75_000_000,
        problem="Layanan surat-menyurat di Kecamatan Pesantren masih manual dan warga harus datang "
        "beberapa kali untuk satu permohonan.",
        approach="Kecamatan akan membangun aplikasi layanan terpadu yang menerima permohonan surat "
        "secara daring.",
        steps=("kecamatan menyusun kebutuhan aplikasi", "pengembang aplikasi ditunjuk",
               "petugas dilatih menggunakan aplikasi"),
        actors=("Kecamatan Pesantren", "pengembang aplikasi"),
        tools=("aplikasi web",),
        measures=("jumlah layanan daring",),
        goal="Membuat layanan kecamatan dapat diakses secara daring.",
        benefit="Warga terlayani lebih cepat.",
        result="Aplikasi sedang dirancang.",
        note="Inovasi masih berupa rencana pengadaan aplikasi tanpa uji coba, dan data dukung yang "
        "dilampirkan tidak berkaitan dengan Kecamatan Pesantren.",
    ),
    _Idea(
        org="disperkim", title="Si-Rutilahu: Sistem Informasi Rumah Tidak Layak Huni",
        path="withdrawn_submitted", urusan="Perumahan Rakyat dan Kawasan Permukiman",
        terkait="Sosial", inisiator="perangkat_daerah", tahapan="uji_coba", jenis="digital",
        bentuk="tata_kelola", anggaran=39_000_000,
        problem="Data rumah tidak layak huni berasal dari beberapa survei dengan kriteria berbeda, "
        "sehingga bantuan bedah rumah tidak selalu diprioritaskan bagi yang paling membutuhkan.",
        approach="Petugas kelurahan menilai rumah dengan kriteria yang sama melalui formulir di "
        "ponsel, lengkap dengan foto dan titik lokasi, lalu sistem menghitung skor prioritas "
        "bantuan.",
        steps=("Disperkim menyusun kriteria penilaian bersama Dinsos",
               "petugas kelurahan menyurvei rumah dengan formulir di ponsel",
               "sistem menghitung skor dan menyusun daftar prioritas",
               "daftar prioritas dibahas dalam forum kelurahan sebelum ditetapkan"),
        actors=("Bidang Perumahan Disperkim", "petugas kelurahan", "Dinas Sosial",
                "forum kelurahan"),
        tools=("formulir survei daring", "peta sebaran rumah", "modul skor prioritas"),
        measures=("jumlah rumah yang disurvei",
                  "persentase penerima bantuan dari daftar prioritas teratas"),
        goal="Menyusun daftar penerima bantuan rumah tidak layak huni yang objektif dan dapat "
        "dipertanggungjawabkan.",
        benefit="Bantuan bedah rumah tepat sasaran, dan keberatan warga dapat dijawab dengan data.",
        result="Uji coba di lima kelurahan: 1.034 rumah disurvei dan 210 masuk daftar prioritas.",
        note="Ditarik oleh dinas karena kriteria penilaian sedang diselaraskan dengan pedoman baru "
        "kementerian; akan diajukan kembali setelah ditetapkan.",
    ),
)


# --------------------------------------------------------------------------------------------
# Rancang bangun: composed from each innovation's own specifics, with varied sentences.
# --------------------------------------------------------------------------------------------

_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")
_ORDINALS = ("Pertama", "Kedua", "Ketiga", "Keempat", "Kelima", "Keenam")


def _tanggal(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def _join(items: tuple[str, ...] | list[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " dan ".join(items)
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a sentence unless its first word is an acronym."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _short_title(title: str) -> str:
    return title.split(":")[0].strip()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _replication_target(org: _Org) -> str:
    if org.key.startswith("pkm_"):
        return "puskesmas lain di Kota Kediri"
    if org.key.startswith("kel_"):
        return "kelurahan lain di Kota Kediri"
    if org.key.startswith("kec_"):
        return "kecamatan lain di Kota Kediri"
    if org.key == "rsud":
        return "rumah sakit daerah lain di Jawa Timur"
    return "perangkat daerah lain maupun kabupaten dan kota di sekitar Kediri"


def _head_of(org: _Org) -> str:
    if org.key.startswith("kel_"):
        return "Lurah " + org.name.removeprefix("Kelurahan ")
    if org.key.startswith("kec_"):
        return "Camat " + org.name.removeprefix("Kecamatan ")
    return "Kepala " + org.label


def _narrative(idea: _Idea, org: _Org, trial: date | None, implemented: date | None,
               rng: random.Random) -> list[str]:
    """The rancang bangun as paragraphs; the first two make a plausible unfinished draft."""
    short = _short_title(idea.title)
    who = org.label
    urusan = idea.urusan.lower()
    pick = rng.choice

    opener = pick((
        f"{org.name} merancang {short} karena satu persoalan yang terus muncul dalam urusan "
        f"{urusan}.",
        f"Inovasi {short} berangkat dari pengalaman sehari-hari petugas {who} di bidang {urusan}.",
        f"Sebelum {short} dijalankan, keadaan di lapangan dapat digambarkan sebagai berikut.",
        f"Latar belakang {short} bermula dari evaluasi internal {who} atas urusan {urusan}.",
    ))
    consequence = pick((
        "Keadaan ini tidak dapat diselesaikan hanya dengan menambah petugas atau memperpanjang jam "
        "layanan.",
        "Masalah tersebut juga berulang kali muncul dalam pengaduan masyarakat dan laporan "
        "evaluasi tahunan.",
        "Tanpa perubahan cara kerja, persoalan yang sama diperkirakan akan terus berulang setiap "
        "tahun.",
        f"Kondisi ini mendorong {who} mencari cara kerja baru, bukan sekadar menambal prosedur "
        "lama.",
    ))
    initiator = {
        "kepala_daerah": pick((
            "Gagasan penanganannya datang dari arahan Wali Kota Kediri dalam rapat pimpinan.",
            f"Wali Kota Kediri kemudian meminta {who} menyiapkan terobosan yang dapat segera "
            "dirasakan warga.",
        )),
        "dprd": "Usulan perbaikan pertama kali disampaikan anggota DPRD Kota Kediri dalam rapat "
                "dengar pendapat dengan perangkat daerah.",
        "perangkat_daerah": pick((
            f"Inisiatif perbaikannya datang dari {org.name} sendiri sebagai perangkat daerah yang "
            "menangani urusan ini.",
            f"Pimpinan {who} menjadikan persoalan ini prioritas dalam rencana kerja tahunan.",
        )),
        "asn": pick((
            f"Ide awalnya dicetuskan oleh seorang ASN {who} yang setiap hari berhadapan langsung "
            "dengan persoalan tersebut.",
            f"Gagasan ini lahir dari staf pelaksana {who}, bukan dari pimpinan.",
        )),
        "masyarakat": pick((
            "Gagasannya justru datang dari warga, yang menyampaikannya dalam forum musyawarah "
            "kelurahan.",
            "Usulan awalnya disampaikan tokoh masyarakat setempat dan kemudian dikembangkan "
            "bersama petugas.",
        )),
    }[idea.inisiator]
    paragraphs = [" ".join((opener, idea.problem, consequence, initiator))]

    approach = pick((
        f"Inti inovasi ini sederhana. {idea.approach}",
        f"Cara kerja {short} dapat diringkas sebagai berikut. {idea.approach}",
        f"{idea.approach} Itulah perubahan mendasar yang dibawa {short}.",
        f"Pendekatan yang dipilih {who} berbeda dari cara lama. {idea.approach}",
    ))
    kind = pick((
        "Karena berbasis digital, setiap kegiatan tercatat dan dapat ditelusuri kembali ketika "
        "diperlukan.",
        "Pemanfaatan teknologi informasi membuat data tersedia seketika bagi petugas maupun "
        "pimpinan.",
        "Aplikasinya dirancang sederhana agar dapat dipakai petugas dengan kemampuan digital yang "
        "beragam.",
    ) if idea.jenis == "digital" else (
        "Inovasi ini tidak bergantung pada aplikasi khusus sehingga mudah dijalankan petugas di "
        "lapangan.",
        "Sifatnya nondigital; kekuatannya terletak pada perubahan cara kerja dan keterlibatan "
        "warga.",
        "Tanpa perangkat teknologi yang mahal, kegiatan ini dapat dijalankan dengan sumber daya "
        "yang sudah tersedia.",
    ))
    form = {
        "tata_kelola": pick((
            f"Dari sisi bentuk, {short} tergolong inovasi tata kelola pemerintahan daerah karena "
            "mengubah cara kerja internal pemerintah.",
            "Bentuknya adalah inovasi tata kelola: sasaran utamanya proses kerja aparatur, yang "
            "dampaknya kemudian sampai kepada warga.",
        )),
        "pelayanan_publik": pick((
            "Inovasi ini tergolong inovasi pelayanan publik karena manfaatnya langsung dirasakan "
            "penerima layanan.",
            f"Sebagai inovasi pelayanan publik, {short} diukur dari apa yang dialami warga, bukan "
            "dari kelengkapan prosedur.",
        )),
        "urusan_lainnya": f"Inovasi ini termasuk inovasi daerah lainnya sesuai urusan {urusan}.",
    }[idea.bentuk]
    paragraphs.append(" ".join((approach, kind, form)))

    steps = idea.steps
    layout = rng.randrange(3)
    if layout == 0:
        sentences = [f"{_ORDINALS[i]}, {step}." for i, step in enumerate(steps)]
        flow = f"Pelaksanaannya disusun dalam {len(steps)} langkah. " + " ".join(sentences)
    elif layout == 1:
        middle = " ".join(f"Setelah itu {step}." for step in steps[1:-1])
        flow = (f"Alur kerjanya dimulai ketika {steps[0]}. {middle} Pada tahap akhir, "
                f"{steps[-1]}.").replace("  ", " ")
    else:
        flow = f"Urutan kegiatannya adalah: {'; '.join(steps[:-1])}; dan terakhir {steps[-1]}."
    if idea.tahapan == "inisiatif" or trial is None:
        stage = pick((
            f"Saat ini {short} masih pada tahap inisiatif: rancangan sudah disusun, tetapi uji coba "
            "belum dimulai.",
            "Inovasi ini masih berupa inisiatif yang menunggu kesiapan sarana dan petugas sebelum "
            "diuji coba.",
        ))
    elif idea.tahapan == "uji_coba" or implemented is None:
        stage = pick((
            f"Uji coba dimulai pada {_tanggal(trial)} di wilayah terbatas untuk menguji alur "
            "sebelum diterapkan lebih luas.",
            f"Sejak {_tanggal(trial)} inovasi ini diuji coba, dan hasilnya dipakai untuk "
            "memperbaiki alur sebelum penerapan penuh.",
        ))
    else:
        stage = pick((
            f"Setelah diuji coba sejak {_tanggal(trial)}, {short} diterapkan penuh mulai "
            f"{_tanggal(implemented)}.",
            f"Uji coba berlangsung mulai {_tanggal(trial)}, dan penerapan penuh ditetapkan pada "
            f"{_tanggal(implemented)}.",
        ))
    paragraphs.append(f"{flow} {stage}")

    actors = pick((
        f"Pihak yang terlibat adalah {_join(idea.actors)}.",
        f"{_cap(short)} dijalankan bersama oleh {_join(idea.actors)}.",
        f"Keberhasilan inovasi ini bertumpu pada kerja sama {_join(idea.actors)}.",
    ))
    roles = pick((
        f"{_cap(idea.actors[0])} menjadi penanggung jawab harian, sedangkan pihak lain berperan "
        "sesuai kewenangannya.",
        f"Peran masing-masing dituangkan dalam keputusan {_head_of(org)} agar tidak ada tugas yang "
        "tumpang tindih.",
        "Koordinasi rutin dilakukan melalui rapat singkat bulanan dan grup pesan bersama.",
    ))
    tools = pick((
        f"Sarana pendukungnya meliputi {_join(idea.tools)}.",
        f"Untuk menjalankannya digunakan {_join(idea.tools)}.",
        f"Perangkat yang dipakai cukup sederhana, yaitu {_join(idea.tools)}.",
    ))
    paragraphs.append(" ".join((actors, roles, tools)))

    measures = pick((
        f"Keberhasilan diukur dengan beberapa indikator, yaitu {_join(idea.measures)}.",
        f"{who} memantau {_join(idea.measures)} sebagai ukuran keberhasilan.",
        f"Indikator yang dipantau adalah {_join(idea.measures)}.",
    ))
    rhythm = pick((
        "Data dihimpun setiap bulan dan dibahas dalam evaluasi triwulanan bersama Bappeda.",
        f"Hasil pemantauan dilaporkan kepada {_head_of(org)} setiap akhir bulan.",
        "Setiap triwulan tim inovasi membandingkan capaian dengan kondisi sebelum inovasi "
        "dijalankan.",
    ))
    result = pick((
        f"Hasilnya mulai terlihat. {idea.result}",
        idea.result,
        f"Capaian yang tercatat sejauh ini menunjukkan arah yang baik. {idea.result}",
    ))
    if idea.tahapan == "inisiatif":
        result = idea.result
    benefit = pick((
        f"Dari sisi manfaat, {_lower_first(idea.benefit)}",
        f"Manfaatnya dirasakan banyak pihak. {idea.benefit}",
        idea.benefit,
    ))
    paragraphs.append(" ".join((measures, rhythm, result, benefit)))

    if idea.anggaran:
        money = pick((
            f"Pendanaan bersumber dari APBD Kota Kediri melalui DPA {who} sebesar "
            f"{_rupiah(idea.anggaran)}.",
            f"Anggaran yang digunakan sebesar {_rupiah(idea.anggaran)}, terutama untuk "
            f"{idea.tools[0]} dan pelatihan petugas.",
        ))
    else:
        money = pick((
            "Inovasi ini berjalan tanpa anggaran khusus; kegiatannya menumpang pada program rutin "
            "yang sudah ada.",
            "Tidak ada tambahan anggaran; yang berubah adalah cara kerja dan pembagian tugas.",
        ))
    sustain = pick((
        f"Agar berkelanjutan, {short} dimasukkan ke dalam rencana kerja tahunan dan didukung "
        f"keputusan {_head_of(org)}.",
        "Keberlanjutan dijaga dengan prosedur operasional standar yang tertulis dan pelatihan "
        "petugas pengganti.",
        "Untuk menjaga keberlanjutan, tim inovasi menyusun panduan teknis dan menjadwalkan "
        "penyegaran petugas setiap tahun.",
    ))
    target = _replication_target(org)
    replicate = pick((
        f"Modelnya mudah direplikasi oleh {target} karena tidak memerlukan perubahan regulasi.",
        f"{who} siap berbagi panduan dan pengalaman kepada {target} yang ingin menerapkan hal "
        "serupa.",
        f"Beberapa unsur {short} dapat ditiru oleh {target} dengan penyesuaian kecil.",
    ))
    paragraphs.append(" ".join((money, sustain, replicate)))

    closing = pick((
        f"Pelajaran terpenting dari {short} adalah bahwa perubahan kecil yang konsisten lebih "
        "berdampak daripada program besar yang berhenti di tengah jalan. Tujuan akhirnya tetap "
        f"sama: {_lower_first(idea.goal)}",
        f"Ke depan, {who} akan memperluas cakupan inovasi ini secara bertahap sambil terus "
        f"mendengar masukan penerima manfaat. Arah pengembangannya jelas, yakni "
        f"{_lower_first(idea.goal)}",
        "Tim inovasi menyadari masih ada kekurangan, terutama dalam konsistensi pelaporan dan "
        f"pemeliharaan sarana. Meski demikian, {short} menunjukkan bahwa urusan {urusan} dapat "
        f"dilayani dengan cara yang lebih baik. Sasarannya: {_lower_first(idea.goal)}",
    ))
    paragraphs.append(closing)

    # Thin entries get the extra paragraphs a real author would add to reach the minimum.
    extras = [
        f"Dalam pelaksanaannya tim menghadapi beberapa kendala, antara lain keterbatasan waktu "
        f"petugas dan perlunya membiasakan {idea.actors[-1]} dengan cara baru. Kendala tersebut "
        f"diatasi dengan sosialisasi bertahap, pendampingan langsung pada minggu-minggu pertama, "
        f"dan pembagian tugas yang lebih jelas di antara {_join(idea.actors[:2])}.",
        f"Seluruh data dukung, mulai dari keputusan penetapan tim, dokumentasi kegiatan, hingga "
        f"rekap capaian, disimpan secara tertib agar dapat diperiksa verifikator dan dewan juri. "
        f"{who} juga membuka kesempatan kepada Inspektorat dan Bappeda untuk meninjau langsung "
        f"pelaksanaan {short} di lapangan.",
        f"Inovasi ini sejalan dengan arah pembangunan Kota Kediri dalam RPJMD, khususnya sasaran "
        f"peningkatan kualitas pelayanan dan tata kelola pemerintahan. Dengan demikian {short} "
        f"bukan kegiatan sesaat, melainkan bagian dari upaya jangka panjang {org.name} dalam "
        f"urusan {urusan}.",
    ]
    rng.shuffle(extras)
    while sum(len(p.split()) for p in paragraphs) < 330 and extras:
        paragraphs.insert(-1, extras.pop())
    return paragraphs


# --------------------------------------------------------------------------------------------
# The timeline: which actions each path takes, and when.
# --------------------------------------------------------------------------------------------

_FILLED = ("create", "fill", "evidence")
_PATHS: dict[str, tuple[str, ...]] = {
    "draft": _FILLED,
    "submitted": (*_FILLED, "submit"),
    "returned": (*_FILLED, "submit", "return"),
    "resubmitted": (*_FILLED, "submit", "return", "fix", "resubmit"),
    "returned_twice": (*_FILLED, "submit", "return", "fix", "resubmit", "return2"),
    "verified": (*_FILLED, "submit", "verify"),
    "returned_verified": (*_FILLED, "submit", "return", "fix", "resubmit", "verify"),
    "rejected": (*_FILLED, "submit", "reject"),
    "withdrawn_draft": ("create", "fill", "withdraw"),
    "withdrawn_submitted": (*_FILLED, "submit", "withdraw"),
    "withdrawn_returned": (*_FILLED, "submit", "return", "withdraw"),
    # Last year's judging (``_PANEL``) takes these further: to scored when the last judge
    # confirms, to awarded when the results are published.
    "scored": (*_FILLED, "submit", "verify"),
    "returned_scored": (*_FILLED, "submit", "return", "fix", "resubmit", "verify"),
    "awarded": (*_FILLED, "submit", "verify"),
}
# The status each path ends in, when it is not the path's own name.
_PATH_STATUS = {"returned": "returned", "resubmitted": "submitted", "returned_twice": "returned",
                "returned_verified": "verified", "withdrawn_draft": "withdrawn",
                "withdrawn_submitted": "withdrawn", "withdrawn_returned": "withdrawn",
                "returned_scored": "scored"}
# What a draft has done so far, by what it still lacks.
_DRAFT_ACTIONS = {"": _FILLED, "category": _FILLED, "short": ("create", "fill"),
                  "evidence": ("create", "fill"), "fields": ("create",)}
# Relative time between an action and the one before it (working time, scaled per entry).
_GAPS = {"fill": (0.3, 1.5), "evidence": (0.05, 0.5), "submit": (0.5, 3.0),
         "return": (1.0, 4.0), "return2": (1.0, 3.0), "verify": (1.0, 4.0),
         "reject": (1.0, 4.0), "fix": (0.5, 2.5), "resubmit": (0.1, 0.8),
         "withdraw": (1.0, 5.0)}
# Last year's actions by the phase they happen in; this year everything happens while open.
_LAST_YEAR_SEGMENTS = {"create": "open", "fill": "open", "evidence": "open", "submit": "open",
                       "return": "verification", "fix": "verification",
                       "resubmit": "verification", "verify": "verification",
                       "reject": "verification"}
_VERIFY_COMMENTS = (
    "Data dukung sesuai dengan klaim pada formulir.",
    "Seluruh indikator telah dicocokkan dengan data dukung; layak dinilai.",
    "Terverifikasi: SK tim inovasi dan bukti penerapan lengkap.",
    "",
)


# --------------------------------------------------------------------------------------------
# Last year's judging: one round, "Presentasi dan wawancara", three judges.
# --------------------------------------------------------------------------------------------

# Winners of "OPD Terinovatif" last year, position 1 to 5, as the module docstring tells it.
LAST_YEAR_WINNERS = (
    "Dinas Komunikasi dan Informatika",
    "Puskesmas Ngletih",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Badan Perencanaan Pembangunan Daerah",
    "Dinas Pendidikan",
)
ROUND_NAME = "Presentasi dan wawancara"
PANEL_NAME = "Dewan Juri Lomba Inovasi Daerah"

# How each judge leans overall (the demo judge, then _EXTRA_JUDGES): the professor marks
# strictly, the practitioner generously.
_LENIENCY = (-2.0, 0.0, 2.0)


@dataclass(frozen=True)
class _Judged:
    """What the panel made of one innovation.

    ``score`` is the panel's mean total (0–100) the judges' values are tuned to; ``profile`` the
    innovation's strengths per criterion of the 2023 IGA rubric (kebaharuan, kemanfaatan,
    replikasi, kewenangan dan kolaborasi, penyajian) as points above or below that score;
    ``views`` how far each judge's total sits from the panel's; ``comments`` (judge, criterion,
    text) with the judge and criterion as indexes.
    """

    score: float
    profile: tuple[int, int, int, int, int]
    views: tuple[float, float, float] = (0.0, 0.0, 0.0)
    comments: tuple[tuple[int, int, str], ...] = ()


# Every verified innovation of last year, by title, best first. The index of an OPD with one
# innovation is its score / 3 + 1, so the OPDs rank as their innovations do.
_PANEL: dict[str, _Judged] = {
    "Lapor Mas Wali: Kanal Pengaduan Warga Terpadu": _Judged(
        86.2, (-2, 4, 1, 3, -1), (0.0, -2.0, 2.0), (
            (0, 1, "Penurunan waktu tindak lanjut dari 12 menjadi 3,4 hari didukung rekap dasbor; "
                   "dampaknya jelas."),
            (1, 0, "Kanal pengaduan terpadu sudah banyak ditiru daerah lain; kebaruannya ada pada "
                   "tenggat jawaban yang diumumkan kepada pelapor."),
            (2, 3, "Kolaborasi lintas OPD sampai tingkat kelurahan berjalan, bukan hanya di atas "
                   "kertas."),
        )),
    "Posyandu Digital Balita Sehat": _Judged(
        83.5, (-1, 4, 3, 0, -2), (1.0, 1.0, -2.0), (
            (0, 1, "Data cakupan D/S dan waktu kunjungan bidan sebelum dan sesudah sangat "
                   "meyakinkan."),
            (1, 4, "Penyaji menjawab pertanyaan tentang validasi data kader dengan baik."),
            (2, 2, "Mudah direplikasi ke puskesmas lain; aplikasinya sederhana dan kader sudah "
                   "terlatih."),
        )),
    "Si-Cantik: Sistem Cepat Antar Izin Terpadu": _Judged(
        80.9, (-4, 3, 2, 3, 1), (-3.0, 2.0, 1.0), (
            (0, 0, "Perizinan daring sudah diwajibkan secara nasional; pembedanya layanan antar "
                   "dokumen izin."),
            (1, 1, "Lama proses turun dari 14 menjadi 5 hari kerja; sebaiknya dipisahkan antara "
                   "izin berusaha dan nonberusaha."),
            (2, 3, "Kerja sama dengan BSrE dan PT Pos Indonesia menjadi nilai tambah."),
        )),
    "Si-Monik: Sistem Monitoring Kinerja Pembangunan": _Judged(
        77.6, (1, -3, 2, 5, 0), (2.0, 3.0, -5.0), (
            (0, 3, "Melibatkan seluruh perangkat daerah dan BPKAD, dengan evaluasi yang dipimpin "
                   "Sekretaris Daerah."),
            (1, 2, "Sudah dipakai semua perangkat daerah dan mudah diadopsi kabupaten sekitar."),
            (2, 1, "Manfaat langsung bagi warga belum tampak; yang terasa baru manfaat internal "
                   "pemerintah."),
        )),
    "Serali: Sekolah Ramah Literasi Digital": _Judged(
        75.1, (0, -1, 4, 0, -3), (1.0, -6.0, 5.0), (
            (0, 4, "Presentasi runtut, tetapi waktu habis sebelum sesi tanya jawab selesai."),
            (1, 1, "Kenaikan literasi dari 58 ke 71 persen perlu dibandingkan dengan sekolah "
                   "yang bukan percontohan."),
            (2, 2, "Direplikasi 35 sekolah secara mandiri; bukti kuat keberlanjutan."),
        )),
    "Si Jebol: Jemput Bola Adminduk Lansia dan Disabilitas": _Judged(
        72.4, (-6, 6, 2, 1, -2), (4.0, 0.0, -4.0), (
            (0, 1, "Sangat bermanfaat bagi kelompok rentan; rekap per kelurahan sudah "
                   "dilampirkan."),
            (2, 0, "Jemput bola adminduk sudah umum; kebaruannya terbatas pada sasaran "
                   "penyandang disabilitas."),
        )),
    "Antrean Poliklinik Daring Tanpa Kertas": _Judged(
        70.3, (-5, 4, 3, 0, 1), (-1.0, -2.0, 3.0), (
            (0, 1, "Waktu tunggu turun nyata; mohon sertakan data per poliklinik."),
            (1, 0, "Antrean daring rumah sakit sudah jamak; integrasi dengan WhatsApp cukup "
                   "baik."),
        )),
    "Pelita Warung: Bayar PBB di Warung Tetangga": _Judged(
        67.8, (2, -2, 1, 4, -3), (-2.0, -3.0, 5.0), (
            (1, 1, "Kontribusi agen terhadap realisasi PBB belum dipisahkan dari faktor lain."),
            (2, 3, "Kolaborasi dengan Bank Jatim dan warung agen laku pandai menarik."),
        )),
    "Si-Banksa: Bank Sampah Berbasis Aplikasi": _Judged(
        64.6, (1, -3, 2, 4, -2), (6.0, -9.0, 3.0), (
            (0, 3, "Inisiatif warga yang difasilitasi DLH; kolaborasinya kuat."),
            (1, 1, "Angka 38 ton per bulan belum diverifikasi pihak ketiga; data tonase perlu "
                   "dicek ulang."),
        )),
    # The judges disagree here: the professor sees nothing new in a mobile service still on
    # trial, the practitioner a cheap service any kecamatan can copy.
    "Klik Keliling: Klinik Administrasi Kelurahan Keliling": _Judged(
        58.9, (-7, -3, 9, 2, 1), (-12.0, -1.0, 13.0), (
            (0, 0, "Layanan keliling bukan hal baru; belum terlihat pembaruan yang berarti."),
            (0, 1, "Masih uji coba enam bulan; dampaknya belum dapat diukur dengan baik."),
            (1, 4, "Camat menyajikan sendiri dan menguasai persoalan di lapangan."),
            (2, 1, "Pekerja harian sangat terbantu oleh layanan pada sore hari."),
            (2, 2, "Tanpa anggaran khusus dan mudah ditiru kecamatan lain; sangat aplikatif."),
        )),
}


def _panel_values(judged: _Judged, weights: list[float], rng: random.Random) -> list[list[int]]:
    """Each judge's values (0–100, step 1) per criterion, tuned so the mean of the judges'
    totals is within a hair of ``judged.score``.

    Values start at the score, moved by the innovation's profile, the judge's leniency and view,
    and a little noise; then, from the heaviest criterion to the lightest, one judge after
    another moves a value by one point towards the score while that brings the mean closer.
    """
    judges = len(_LENIENCY)
    values = [[min(100, max(0, round(judged.score + judged.profile[c] + _LENIENCY[j]
                                     + judged.views[j] + rng.randint(-4, 4))))
               for c in range(len(weights))] for j in range(judges)]
    total_weight = sum(weights)

    def gap() -> float:
        mean = sum(w * v[c] for v in values for c, w in enumerate(weights)) / total_weight / judges
        return judged.score - mean

    for c in sorted(range(len(weights)), key=lambda c: -weights[c]):
        step = weights[c] / total_weight / judges
        j = 0
        for _ in range(100):
            difference = gap()
            if abs(difference) <= step / 2:
                break
            direction = 1 if difference > 0 else -1
            if 0 <= values[j][c] + direction <= 100:
                values[j][c] += direction
            j = (j + 1) % judges
    return values


_WORK_START = time(1, 0)  # 08:00 WIB
_WORK_MINUTES = 8 * 60


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Segment:
    """Working days in which actions of one phase happen, mapped from fractions 0..1."""

    days: tuple[date, ...]

    @classmethod
    def between(cls, first: date, last: date) -> _Segment:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = tuple(d for d in days if d.weekday() < 5)
        if not working:
            raise ValueError(f"no working day between {first} and {last}")
        return cls(working)

    def moment(self, fraction: float) -> datetime:
        total = len(self.days) * _WORK_MINUTES
        minute = min(max(int(fraction * total), 0), total - 1)
        day = self.days[minute // _WORK_MINUTES]
        return (datetime.combine(day, _WORK_START, tzinfo=UTC)
                + timedelta(minutes=minute % _WORK_MINUTES))


def _fractions(actions: list[str], rng: random.Random) -> list[float]:
    """Increasing moments (fractions of a segment) for one entry's actions in that segment."""
    if len(actions) == 1:
        return [rng.uniform(0.05, 0.9)]
    start = rng.uniform(0.0, 0.3)
    end = rng.uniform(max(start + 0.15, 0.6), 0.97)
    elapsed = [0.0]
    for action in actions[1:]:
        low, high = _GAPS[action]
        elapsed.append(elapsed[-1] + rng.uniform(low, high))
    return [start + (end - start) * e / elapsed[-1] for e in elapsed]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One innovation to be entered, with everything decided before the timeline runs."""

    idea: _Idea
    org: _Org
    competition: Competition
    organisation: Organisation
    operator: User
    fields: dict[str, Any]
    evidence: list[tuple[str, str, str]]  # (title, indicator, url)
    actions: tuple[str, ...]
    rng: random.Random
    entry: Entry | None = None
    entry_id: int | None = None
    created_at: datetime | None = None
    last_change: datetime | None = None
    evidence_times: list[tuple[int, datetime]] = field(default_factory=list)


class _DemoLoader:
    def __init__(self, now: datetime):
        self.now = now
        self.steps: list[tuple[datetime, int, partial[Any]]] = []
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.operators: dict[str, User] = {}
        self.plans: list[_Plan] = []
        self.created: dict[int, datetime] = {}  # competition id -> when it was set up
        self.operator_hash: str | None = None
        self.judges: list[User] = []  # the demo judge, then _EXTRA_JUDGES
        self.round: Round | None = None
        self.assignments: dict[tuple[int, int], int] = {}  # (entry id, judge id) -> assignment id
        self.assigned_at: datetime | None = None
        self.confirmed: list[tuple[int, datetime]] = []  # (assignment id, when confirmed)
        self.result_set: ResultSet | None = None

    # -- the public story ----------------------------------------------------------------

    def load(self) -> DemoSummary:
        region = get_or_create_region(REGION_NAME, "kota")
        self._organisations(region)
        self._role_users()
        self._extra_judges()
        year = self.now.year
        last = self._last_year(region, year - 1)
        this = self._this_year(region, year)
        for _, _, run in sorted(self.steps, key=lambda step: (step[0], step[1])):
            run()
        self._check_last_year(last)
        self._backdate(last)
        organisations = db.session.scalar(
            select(func.count()).select_from(Organisation)
            .where(Organisation.region_id == region.id)) or 0
        entries = db.session.scalar(
            select(func.count()).select_from(Entry)
            .where(Entry.competition_id.in_([last.id, this.id]))) or 0
        return DemoSummary(
            region=REGION_NAME, organisations=organisations, competitions=2, entries=entries,
            credentials=[(role, f"{local}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
                         for role, local, _, _ in _ROLE_USERS])

    # -- set-up ----------------------------------------------------------------------------

    def _organisations(self, region: Region) -> None:
        for spec in _ORGANISATIONS:
            organisation = Organisation(region=region, name=spec.name, short_name=spec.short,
                                        parent=self.orgs[spec.parent] if spec.parent else None)
            db.session.add(organisation)
            self.orgs[spec.key] = organisation
        db.session.flush()

    def _role_users(self) -> None:
        for role, local, name, org_key in _ROLE_USERS:
            self.users[role] = create_user(
                email=f"{local}@{EMAIL_DOMAIN}", name=name, password=DEMO_PASSWORD,
                organisation=self.orgs[org_key] if org_key else None)
        self.operators["diskominfo"] = self.users["submitter"]

    def _shared_hash(self) -> str:
        if self.operator_hash is None:
            self.operator_hash = generate_password_hash(DEMO_PASSWORD)
        return self.operator_hash

    def _add_user(self, user: User) -> User:
        db.session.add(user)
        db.session.flush()
        return user

    def _extra_judges(self) -> None:
        """Last year's other two judges: rows sharing the operators' hash (see ``_operator``),
        with no organisation, as the demo judge."""
        self.judges = [self.users["judge"]]
        for local, name in _EXTRA_JUDGES:
            self.judges.append(self._add_user(User(
                email=f"{local}@{EMAIL_DOMAIN}", name=name, organisation=None,
                password_hash=self._shared_hash())))

    def _operator(self, org: _Org) -> User:
        """The OPD's operator (submitter), created on first use.

        The four sign-in users go through ``create_user``. These extra operators are added as rows
        sharing one hash of the demo password: hashing costs about 0.15 s per user (scrypt), which
        for 28 operators would more than double the load time.
        """
        if org.key not in self.operators:
            self.operators[org.key] = self._add_user(User(
                email=f"operator.{_slug(org.label)}@{EMAIL_DOMAIN}",
                name=_OPERATOR_NAMES[len(self.operators) - 1],
                organisation=self.orgs[org.key], password_hash=self._shared_hash()))
        return self.operators[org.key]

    def _grant(self, competition: Competition, ideas: tuple[_Idea, ...]) -> None:
        for role, user in self.users.items():
            grant_role(user, competition, role)
        for key in dict.fromkeys(idea.org for idea in ideas):
            grant_role(self._operator(_ORG_BY_KEY[key]), competition, "submitter")

    def _step(self, at: datetime, run: partial[Any]) -> None:
        self.steps.append((at, len(self.steps), run))

    # -- last year: the whole lifecycle, then closed -----------------------------------------

    def _last_year(self, region: Region, year: int) -> Competition:
        open_day = _weekday_on_or_after(date(year, 3, 3))
        close_day = _weekday_on_or_after(date(year, 4, 15))
        judging_day = _weekday_on_or_after(date(year, 5, 26))
        results_day = _weekday_on_or_after(date(year, 6, 30))
        ceremony = datetime(year, 7, 27, 2, 0, tzinfo=UTC)  # Hari Jadi Kota Kediri
        closed_day = _weekday_on_or_after(date(year, 8, 4))
        competition = create_competition(
            name=f"Lomba Inovasi Daerah Kota Kediri {year}", year=year, region=region,
            submission_opens_at=_at(open_day, 0, 30),
            submission_closes_at=datetime(year, 4, 14, 16, 59, tzinfo=UTC),
            verification_closes_at=datetime(year, 5, 23, 16, 59, tzinfo=UTC),
            judging_closes_at=datetime(year, 6, 27, 16, 59, tzinfo=UTC),
            categories=[_CATEGORIES["tata_kelola"], _CATEGORIES["pelayanan_publik"]])
        self.created[competition.id] = datetime(year, 2, 17, 2, 0, tzinfo=UTC)
        self._grant(competition, _LAST_YEAR)
        for judge in self.judges[1:]:
            grant_role(judge, competition, "judge")
        organiser = self.users["organiser"]
        for at, trigger, comment in (
            (_at(open_day, 0, 30), "open_submissions",
             "Pengajuan dibuka sesuai Surat Edaran Sekretaris Daerah tentang Lomba Inovasi Daerah."),
            (_at(close_day, 0, 30), "close_submissions",
             "Batas waktu pengajuan berakhir; inovasi yang diajukan diteruskan ke verifikasi."),
            (_at(judging_day, 0, 30), "start_judging",
             "Verifikasi selesai; berita acara verifikasi ditandatangani Inspektorat dan Bappeda."),
            (_at(results_day, 0, 30), "close_judging",
             "Rapat pleno dewan juri menetapkan peringkat inovasi."),
            (_at(closed_day, 0, 30), "close_competition",
             "Penghargaan telah diserahkan pada peringatan Hari Jadi Kota Kediri."),
        ):
            self._step(at, partial(change_competition_phase, competition, trigger, organiser,
                                   comment=comment, now=at))
        segments = {
            "open": _Segment.between(open_day, date(year, 4, 11)),
            "verification": _Segment.between(close_day, date(year, 5, 22)),
        }
        for idea in _LAST_YEAR:
            plan = self._plan(idea, competition, open_day)
            by_segment: dict[str, list[str]] = {}
            for action in plan.actions:
                by_segment.setdefault(_LAST_YEAR_SEGMENTS[action], []).append(action)
            for name, actions in by_segment.items():
                segment = segments[name]
                moments = [segment.moment(f) for f in _fractions(actions, plan.rng)]
                for action, at in zip(actions, moments, strict=True):
                    self._schedule(plan, action, at)
        self._judging(competition, judging_day, results_day, ceremony)
        return competition

    # -- last year: judging and results ----------------------------------------------------

    def _judging(self, competition: Competition, judging_day: date, results_day: date,
                 ceremony: datetime) -> None:
        """Schedule last year's round: set up late in verification, opened and assigned when
        judging starts, presentations over three days in June with each judge confirming after
        each presentation (now and then the next morning), closed, then the results sealed after
        the plenary and published at the ceremony."""
        year = competition.year
        self._step(_at(_weekday_on_or_after(date(year, 5, 13)), 2, 0),
                   partial(self._set_up_round, competition))
        self.assigned_at = _at(judging_day, 1, 0)
        self._step(self.assigned_at, partial(self._open_and_assign, self.assigned_at))
        rng = random.Random(f"{SEED}/{year}/{ROUND_NAME}")
        judged = [plan for plan in self.plans
                  if plan.competition is competition and plan.idea.title in _PANEL]
        if len(judged) != len(_PANEL):  # pragma: no cover - a title changed in one place only
            raise ValueError("every innovation in _PANEL must be one of last year's")
        rng.shuffle(judged)
        days = [_weekday_on_or_after(date(year, 6, 10))]
        while len(days) < 4:
            days.append(_weekday_on_or_after(days[-1] + timedelta(days=1)))
        finished = days[0]
        slots: dict[int, int] = {}
        for number, plan in enumerate(judged):
            day_number = number * 3 // len(judged)  # four presentations, then three and three
            slot = slots[day_number] = slots.get(day_number, -1) + 1
            start = _at(days[day_number], 1, 30) + timedelta(minutes=60 * slot)  # from 08:30 WIB
            for judge in range(len(self.judges)):
                if rng.random() < 0.15:  # finished reading the evidence the next morning
                    at = _at(days[day_number + 1], 1) + timedelta(minutes=rng.randint(0, 90))
                else:
                    at = start + timedelta(minutes=40 + rng.randint(2, 18))
                finished = max(finished, at.date())
                self._step(at, partial(self._score, plan, judge, at))
        closed = _weekday_on_or_after(max(date(year, 6, 20), finished + timedelta(days=1)))
        self._step(_at(closed, 3, 0), partial(self._close_round, _at(closed, 3, 0)))
        sealed = _at(results_day, 6, 0)  # the afternoon after the plenary
        self._step(sealed, partial(self._seal, competition, sealed))
        self._step(ceremony, partial(self._publish, ceremony))

    def _set_up_round(self, competition: Competition) -> None:
        organiser = self.users["organiser"]
        ensure_default_award(competition, organiser)
        self.round = add_round(competition, organiser, name=ROUND_NAME, judges_per_entry=3,
                               aggregation="mean")
        apply_rubric_template(self.round, organiser, "iga_2023")
        create_panel(self.round, organiser, name=PANEL_NAME, judges=self.judges)

    def _open_and_assign(self, at: datetime) -> None:
        assert self.round is not None
        organiser = self.users["organiser"]
        open_round(self.round, organiser, now=at)
        report = assign_automatically(self.round, organiser)
        if report.short or report.added != len(_PANEL) * len(self.judges):
            raise RuntimeError(f"demo: automatic assignment left judges missing: {report}")
        for assignment in db.session.scalars(
                select(Assignment).where(Assignment.round_id == self.round.id)):
            self.assignments[(assignment.entry_id, assignment.judge_id)] = assignment.id

    def _score(self, plan: _Plan, judge_number: int, at: datetime) -> None:
        """One judge scores one innovation: values and comments saved, then confirmed."""
        assert self.round is not None and plan.entry_id is not None
        judge = self.judges[judge_number]
        judged = _PANEL[plan.idea.title]
        criteria = list(self.round.criteria)
        values = _panel_values(judged, [c.weight for c in criteria],
                               random.Random(f"{SEED}/{plan.competition.year}/{plan.idea.title}"
                                             f"/nilai"))[judge_number]
        comments = {c: text for j, c, text in judged.comments if j == judge_number}
        given: dict[int, ScoreInput] = {
            criterion.id: (value, comments[n]) if n in comments else value
            for n, (criterion, value) in enumerate(zip(criteria, values, strict=True))}
        assignment = self.assignments[(plan.entry_id, judge.id)]
        save_scores(assignment, judge, given)
        confirm_scores(assignment, judge, now=at)
        self.confirmed.append((assignment, at))
        plan.last_change = max(at, plan.last_change or at)

    def _close_round(self, at: datetime) -> None:
        assert self.round is not None
        close_round(self.round, self.users["organiser"], now=at)

    def _seal(self, competition: Competition, at: datetime) -> None:
        self.result_set = seal_results(competition, self.users["organiser"], now=at)

    def _publish(self, at: datetime) -> None:
        assert self.result_set is not None
        winners = set(publish_results(self.result_set, self.users["organiser"], now=at))
        for plan in self.plans:
            if plan.entry_id in winners:
                plan.last_change = at

    def _check_last_year(self, competition: Competition) -> None:
        """The ranking the services computed is the one the story tells, and every innovation
        ended in the status its path names."""
        assert self.result_set is not None
        award = competition.awards[0]
        placed = [s.subject for s in award_standings(self.result_set, award.id)
                  if s.position is not None]
        if tuple(placed) != LAST_YEAR_WINNERS:
            raise RuntimeError(f"demo: {award.name} went to {placed}, not {LAST_YEAR_WINNERS}")
        for plan in self.plans:
            if plan.competition is competition and plan.entry is not None:
                expected = _PATH_STATUS.get(plan.idea.path, plan.idea.path)
                if plan.entry.status != expected:
                    raise RuntimeError(f"demo: {plan.idea.title!r} ended {plan.entry.status}, "
                                       f"not {expected}")

    # -- this year: open for submissions around now --------------------------------------

    def _this_year(self, region: Region, year: int) -> Competition:
        now = self.now
        open_day = _weekday_on_or_before((now - timedelta(days=30)).date())
        opens_at = _at(open_day, 0, 30)
        competition = create_competition(
            name=f"Lomba Inovasi Daerah Kota Kediri {year}", year=year, region=region,
            submission_opens_at=opens_at,
            submission_closes_at=_at((now + timedelta(days=21)).date(), 16, 59),
            verification_closes_at=_at((now + timedelta(days=35)).date(), 16, 59),
            judging_closes_at=_at((now + timedelta(days=50)).date(), 16, 59),
            categories=list(_CATEGORIES.values()))
        self.created[competition.id] = opens_at - timedelta(days=10) + timedelta(hours=1, minutes=30)
        self._grant(competition, _THIS_YEAR)
        self._step(opens_at, partial(
            change_competition_phase, competition, "open_submissions", self.users["organiser"],
            comment="Pengajuan dibuka; setiap perangkat daerah diharapkan mengajukan sedikitnya "
                    "satu inovasi.", now=opens_at))
        segment = _Segment.between(open_day, (now - timedelta(days=1)).date())
        for idea in _THIS_YEAR:
            plan = self._plan(idea, competition, open_day)
            for action, fraction in zip(plan.actions, _fractions(list(plan.actions), plan.rng),
                                        strict=True):
                self._schedule(plan, action, segment.moment(fraction))
        return competition

    # -- one innovation ------------------------------------------------------------------

    def _plan(self, idea: _Idea, competition: Competition, reference: date) -> _Plan:
        rng = random.Random(f"{SEED}/{competition.year}/{idea.title}")
        org = _ORG_BY_KEY[idea.org]
        trial: date | None = None
        implemented: date | None = None
        if idea.tahapan == "uji_coba":
            trial = reference - timedelta(days=rng.randint(45, 240))
        elif idea.tahapan == "penerapan":
            implemented = reference - timedelta(
                days=idea.implemented_days_ago or rng.randint(90, 600))
            trial = implemented - timedelta(days=rng.randint(60, 200))
        paragraphs = _narrative(idea, org, trial, implemented, rng)
        fields: dict[str, Any] = {
            "urusan_terkait": idea.terkait,
            "rancang_bangun": "\n\n".join(paragraphs[:2] if idea.gap == "short" else paragraphs),
            "tujuan": idea.goal, "manfaat": idea.benefit, "hasil": idea.result,
            "trial_started_on": trial, "implemented_on": implemented,
            "anggaran_rupiah": idea.anggaran,
        }
        if idea.gap != "category":
            category = next(c for c in competition.categories
                            if c.name == _CATEGORIES[idea.bentuk])
            fields["category_id"] = category.id
        short = _short_title(idea.title)
        base = (f"https://kedirikota.go.id/inovasi/{competition.year}/{_slug(org.label)}/"
                f"{_slug(short)}")
        evidence = [(f"SK {_head_of(org)} tentang Tim Inovasi {short}", "Regulasi inovasi daerah",
                     f"{base}/sk-tim-inovasi.pdf")]
        if idea.tahapan != "inisiatif":
            evidence.append((f"Laporan monitoring dan evaluasi {short}", "Monitoring dan evaluasi",
                             f"{base}/laporan-monev.pdf"))
        if rng.random() < 0.8:
            video = "".join(rng.choice(string.ascii_letters + string.digits + "-_")
                            for _ in range(11))
            evidence.append((f"Video profil {short}", "Video inovasi",
                             f"https://www.youtube.com/watch?v={video}"))
        actions = _DRAFT_ACTIONS[idea.gap] if idea.path == "draft" else _PATHS[idea.path]
        plan = _Plan(idea=idea, org=org, competition=competition,
                     organisation=self.orgs[idea.org], operator=self._operator(org),
                     fields=fields, evidence=evidence, actions=actions, rng=rng)
        self.plans.append(plan)
        return plan

    def _schedule(self, plan: _Plan, action: str, at: datetime) -> None:
        self._step(at, partial(self._act, plan, action, at))

    def _act(self, plan: _Plan, action: str, at: datetime) -> None:
        idea, operator, verifier = plan.idea, plan.operator, self.users["verifier"]
        if action == "create":
            plan.entry = create_entry(
                plan.competition, plan.organisation, operator, title=idea.title,
                inisiator=idea.inisiator, tahapan=idea.tahapan, jenis=idea.jenis,
                bentuk=idea.bentuk, urusan=idea.urusan)
            plan.entry_id = plan.entry.id
            plan.created_at = at
        else:
            assert plan.entry is not None
            entry = plan.entry
            if action == "fill":
                update_entry(entry, operator, **plan.fields)
            elif action == "evidence":
                for number, (title, indicator, url) in enumerate(plan.evidence):
                    evidence = add_evidence_link(entry, operator, url=url, title=title,
                                                 indicator=indicator)
                    at += timedelta(minutes=2 * bool(number))
                    plan.evidence_times.append((evidence.id, at))
            elif action == "fix":
                update_entry(entry, operator, hasil=f"{idea.result} Rincian capaian per bulan "
                             "dilampirkan pada data dukung sesuai catatan verifikator.")
                base = plan.evidence[0][2].rsplit("/", 1)[0]
                evidence = add_evidence_link(
                    entry, operator, url=f"{base}/{_slug(idea.fix)}.pdf", title=idea.fix,
                    indicator="Regulasi inovasi daerah" if "SK" in idea.fix.split()
                    else "Kemanfaatan inovasi")
                plan.evidence_times.append((evidence.id, at))
            elif action == "submit":
                change_entry_status(entry, "submit", operator, now=at)
            elif action == "resubmit":
                change_entry_status(entry, "resubmit", operator, now=at,
                                    comment=f"Sudah dilengkapi sesuai catatan verifikator: "
                                            f"{_lower_first(idea.fix)}.")
            elif action == "return":
                change_entry_status(entry, "return_for_revision", verifier, comment=idea.note,
                                    now=at)
            elif action == "return2":
                change_entry_status(entry, "return_for_revision", verifier, comment=idea.note2,
                                    now=at)
            elif action == "verify":
                change_entry_status(entry, "verify", verifier, now=at,
                                    comment=plan.rng.choice(_VERIFY_COMMENTS) or None)
            elif action == "reject":
                change_entry_status(entry, "reject", verifier, comment=idea.note, now=at)
            elif action == "withdraw":
                reason = idea.note2 if idea.path == "withdrawn_returned" else idea.note
                change_entry_status(entry, "withdraw", operator, comment=reason, now=at)
            else:  # pragma: no cover - a typo in _PATHS
                raise ValueError(f"unknown demo action {action!r}")
        plan.last_change = at

    # -- creation times --------------------------------------------------------------------

    def _backdate(self, last: Competition) -> None:
        """Give the rows the services stamped with the real clock the story's moments.

        Plain UPDATEs on the tables: the entries' versions (and so their audit sequence) stay
        as the services left them.
        """
        for competition_id, moment in self.created.items():
            db.session.execute(update(Competition).where(Competition.id == competition_id)
                               .values(created_at=moment))
            db.session.execute(update(Membership)
                               .where(Membership.competition_id == competition_id)
                               .values(created_at=moment + timedelta(days=1)))
        user_ids = [u.id for u in (*self.users.values(), *self.operators.values(),
                                   *self.judges)]
        db.session.execute(update(User).where(User.id.in_(user_ids))
                           .values(created_at=self.created[last.id] - timedelta(days=7)))
        for plan in self.plans:
            if plan.entry_id is None:
                continue
            db.session.execute(update(Entry).where(Entry.id == plan.entry_id)
                               .values(created_at=plan.created_at, updated_at=plan.last_change))
            for evidence_id, moment in plan.evidence_times:
                db.session.execute(update(Evidence).where(Evidence.id == evidence_id)
                                   .values(created_at=moment))
        if self.assignments:
            db.session.execute(update(Assignment)
                               .where(Assignment.id.in_(list(self.assignments.values())))
                               .values(created_at=self.assigned_at))
        for assignment_id, moment in self.confirmed:
            db.session.execute(update(Score).where(Score.assignment_id == assignment_id)
                               .values(updated_at=moment))
        db.session.flush()


_ORG_BY_KEY = {org.key: org for org in _ORGANISATIONS}


@operation
def load_demo(now: datetime | None = None) -> DemoSummary:
    """Load the demo into an empty database; ``now`` (aware) anchors this year's competition.

    :raises InvalidInput: when the database already has the demo's region.
    """
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: give a timezone-aware moment")
    now = now.astimezone(UTC)
    if db.session.scalar(select(Region.id).where(Region.name == REGION_NAME)) is not None:
        raise InvalidInput(f"region: {REGION_NAME} exists already; the demo needs an empty "
                           "database")
    return _DemoLoader(now).load()
