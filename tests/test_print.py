"""`pamphlet print`: the lp command lines, manual duplex, the test sheet and every CUPS error.

Most tests run against a real, private cupsd (tests/cups_server.py) whose
queues print through cups-pdf: we read back the job attributes the scheduler
recorded (Get-Job-Attributes) and the PDF cups-pdf wrote. cups-pdf rewrites
every job through Ghostscript, so its PDFs are compared by page count and by
how each page looks (blurred thumbnails), never byte for byte and never by
text (Ghostscript's fonts carry no Unicode map).

The last tests put fake CUPS tools on PATH: they cover what the real server
cannot show here (a printer known only through ``lpoptions``) and keep the
command construction tested on machines where cupsd cannot run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from pamphlet import printing

from .conftest import EXAMPLE, FIXTURES, build_once, missing_service, page_texts, run_cli, text_boxes
from .cups_server import CupsServer, unavailable

EN = (EXAMPLE, "-L", "en")          # the bundled example in English: every layout, A4
LONG = FIXTURES / "print-long"       # a Letter booklet of two sheets, each page visibly different
BROKEN = FIXTURES / "print-broken"   # one language builds, the other cannot

NO_CUPS = unavailable()
#: Skipped without a private cupsd, failed under CI=true (conftest.missing_service).
needs_cups = pytest.mark.needs_service(None if NO_CUPS is None else f"no private cupsd: {NO_CUPS}")

#: What each layout's printer file must be sent with (DESIGN.md, "Printing for real").
EXPECTED = {
    "leaflet": "two-sided-long-edge",
    "booklet": "two-sided-short-edge",
    "zine": "one-sided",
    "trifold": "two-sided-short-edge",
    "handbill": "two-sided-long-edge",
}
JOB_LINE = re.compile(r"^(?P<name>.+?) → (?P<printer>\S+) job (?P<id>\d+)(?: \((?P<part>[^)]*)\))?: "
                      r"(?P<sheets>\d+) sheets?, (?P<sides>\S+), (?P<media>A4|Letter)(?:, (?P<copies>\d+) copies)?$")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def built(tmp_path_factory, example_build) -> dict[str, Path]:
    """The example's editions (the suite builds them once anyway) and print-long, built once per run.

    ``pamphlet print`` finds them up to date and sends them as they are.
    """
    return {"en": example_build, "long": build_once(tmp_path_factory, "print-long", LONG, "-j", "1").out}


@pytest.fixture(scope="session")
def cups(tmp_path_factory):
    """A private cupsd with five cups-pdf queues, stopped (and its cups-pdf config removed) at the end."""
    if NO_CUPS is not None:
        missing_service(f"no private cupsd: {NO_CUPS}")
    server = CupsServer().start()
    try:
        server.add_queue("test-pdf", duplex=True)
        server.add_queue("test-simplex", duplex=False)
        server.add_queue("test-refuse", duplex=True, options=("-u", "allow:pamphlet-nobody"))
        server.add_queue("test-stopped", duplex=True)
        server.run("cupsdisable", "-h", server.server, "-r", "out of paper", "test-stopped")
        server.add_queue("test-rejecting", duplex=True)
        server.run("cupsreject", "-h", server.server, "-r", "closed for maintenance", "test-rejecting")
        yield server
    finally:
        server.stop()


@pytest.fixture
def cups_env(cups, monkeypatch):
    """The in-process CLI talks to the private server, with no default printer from the environment."""
    for name, value in cups.env().items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    return cups


def _cli_subprocess(*args: str | Path, env: dict[str, str], input: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, with ``input`` on its standard input."""
    return subprocess.run([sys.executable, "-m", "pamphlet", *map(str, args)], env=env, input=input,
                          capture_output=True, text=True, timeout=120, check=False)


def _jobs(stdout: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(JOB_LINE.match, stdout.splitlines()) if m]


def _printer_file(out: Path, layout: str) -> Path:
    """What goes to the printer: the imposed sheets, or the leaflet's reading PDF."""
    (found,) = out.glob(f"*-en-{layout}.pdf" if layout == "leaflet" else f"*-en-{layout}-print.pdf")
    return found


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _looks(path: Path) -> list[Image.Image]:
    """Each page as a small blurred grey picture, portrait (cups-pdf turns landscape sheets)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pictures = []
        for i in range(len(pdf)):
            img = pdf[i].render(scale=0.25).to_pil().convert("L")
            pictures.append(img.rotate(90, expand=True) if img.width > img.height else img)
        return pictures
    finally:
        pdf.close()


def _which_pages(printed: Path, source: Path) -> list[int]:
    """For each page cups-pdf wrote, the (1-based) page of ``source`` it shows: the clearly closest look."""
    def diff(a: Image.Image, b: Image.Image) -> float:
        size = a.size
        a, b = (x.resize(size).filter(ImageFilter.GaussianBlur(2)) for x in (a, b))
        return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]

    originals = _looks(source)
    found = []
    for page in _looks(printed):
        scores = sorted((min(diff(page, o), diff(page, o.rotate(180))), n) for n, o in enumerate(originals, 1))
        assert scores[0][0] * 2 < scores[1][0], f"no page of {source.name} clearly matches: {scores}"
        found.append(scores[0][1])
    return found


# --------------------------------------------------------------------------- real CUPS: jobs


@needs_cups
def test_each_layout_is_sent_with_its_sides_media_and_no_scaling(cups_env, built):
    out = built["en"]
    # the poster and the placards: tests/test_street.py (a poster goes full size or as tiles, by the printer's paper)
    result = run_cli("print", *EN, *(f"-l{layout}" for layout in EXPECTED), "-o", out, "-P", "test-pdf")
    assert result.exit_code == 0, result.output
    jobs = _jobs(result.stdout)
    assert sorted(j["name"] for j in jobs) == sorted(f"en/{layout}" for layout in EXPECTED)
    assert len(result.stdout.splitlines()) == len(EXPECTED)  # one line per job, nothing else on stdout
    for job in jobs:
        layout = job["name"].split("/")[1]
        sides, source = EXPECTED[layout], _printer_file(out, layout)
        pages = _pages(source)
        assert pages == {"zine": 1, "booklet": pages}.get(layout, 2)  # a booklet: 2 per sheet
        sheets = pages if sides == "one-sided" else pages // 2
        assert (job["printer"], job["sheets"], job["sides"], job["media"]) == ("test-pdf", str(sheets), sides, "A4")
        attrs = cups_env.wait_job(job["id"])
        assert attrs["job-state"] == "completed", attrs
        assert attrs["sides"] == sides
        assert attrs["media"] == "A4"
        assert attrs["print-scaling"] == "none"
        assert attrs["copies"] == "1"
        assert "page-ranges" not in attrs
        assert attrs["job-name"] == source.stem
        assert _pages(cups_env.output(job["id"])) == pages


@needs_cups
def test_copies_are_collated(cups_env, built):
    result = run_cli("print", *EN, "-l", "trifold", "-o", built["en"], "-P", "test-pdf", "-n", "3")
    assert result.exit_code == 0, result.output
    (job,) = _jobs(result.stdout)
    assert job["copies"] == "3"
    attrs = cups_env.wait_job(job["id"])
    assert (attrs["copies"], attrs["collate"], attrs["sides"]) == ("3", "true", "two-sided-short-edge")
    assert _pages(cups_env.output(job["id"])) == 3 * 2


@needs_cups
def test_the_default_printer_comes_from_cups(cups_env, built, monkeypatch):
    monkeypatch.setenv("LPDEST", "test-pdf")  # what `lpoptions -d` or the server's default would say
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"])
    assert result.exit_code == 0, result.output
    (job,) = _jobs(result.stdout)
    assert job["printer"] == "test-pdf" and job["sides"] == "one-sided"
    assert cups_env.wait_job(job["id"])["job-state"] == "completed"


@needs_cups
def test_dry_run_prints_the_exact_commands_and_sends_nothing(cups_env, built):
    out = built["en"]
    before = cups_env.jobs()
    layouts = ("leaflet", "booklet", "zine", "trifold", "handbill")
    result = run_cli("print", *EN, *(f"-l{layout}" for layout in layouts), "-o", out, "-P", "test-pdf", "-n", "2",
                     "--dry-run")
    assert result.exit_code == 0, result.output
    expected = []
    for layout in layouts:
        file = _printer_file(out, layout)
        expected.append(f"lp -d test-pdf -n 2 -o sides={EXPECTED[layout]} -o media=A4 -o print-scaling=none "
                        f"-o collate=true -t {file.stem} {shlex.quote(str(file))}")
    assert result.stdout.splitlines() == expected
    assert cups_env.jobs() == before


@needs_cups
def test_dry_run_quotes_paths_and_shows_manual_duplex_as_comments(cups_env, tmp_path):
    out = tmp_path / "print me's"
    result = run_cli("print", "--test-sheet", "-P", "test-pdf", "--paper", "letter", "-o", out, "--dry-run")
    assert result.exit_code == 0, result.output
    sheet = out / "pamphlet-test-sheet-letter.pdf"
    assert result.stdout.splitlines() == [
        "lp -d test-pdf -n 1 -o sides=two-sided-long-edge -o media=Letter -o print-scaling=none "
        f"-t pamphlet-test-sheet-letter {shlex.quote(str(sheet))}"]
    assert shlex.split(result.stdout)[-1] == str(sheet) and sheet.is_file()



@needs_cups
def test_dry_run_of_manual_duplex_shows_the_instruction_as_comments(cups_env, built):
    """A leaflet forced to manual duplex: fronts, the instruction as comments, backs; a zine stays one job."""
    result = run_cli("print", *EN, "-l", "leaflet", "-l", "zine", "-o", built["en"], "-P", "test-pdf",
                     "--manual-duplex", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    leaflet, zine = _printer_file(built["en"], "leaflet"), _printer_file(built["en"], "zine")
    assert lines[0] == ("lp -d test-pdf -n 1 -o sides=one-sided -o media=A4 -o print-scaling=none -o page-ranges=1 "
                        f"-t {shlex.quote(leaflet.stem + ' (fronts)')} {shlex.quote(str(leaflet))}")
    assert len(lines) == 8 and all(line.startswith("# ") for line in lines[1:-2])
    comments = "\n".join(lines[1:-2])
    assert "flip on the long edge" in comments and "must go in first again" in comments
    assert "cannot print" not in comments  # it was asked for, not forced by the printer
    assert lines[-2] == ("lp -d test-pdf -n 1 -o sides=one-sided -o media=A4 -o print-scaling=none -o page-ranges=2 "
                         f"-t {shlex.quote(leaflet.stem + ' (backs)')} {shlex.quote(str(leaflet))}")
    assert lines[-1] == ("lp -d test-pdf -n 1 -o sides=one-sided -o media=A4 -o print-scaling=none "
                         f"-t {zine.stem} {shlex.quote(str(zine))}")


# --------------------------------------------------------------------------- real CUPS: manual duplex


@needs_cups
def test_manual_duplex_on_a_printer_without_duplexer(cups, built):
    """test-simplex says sides-supported=one-sided: fronts, the short-edge instruction, Enter, backs in order."""
    source = built["long"] / "printlong-en-booklet-print.pdf"
    assert _pages(source) == 4  # two sheets, front and back
    result = _cli_subprocess("print", LONG, "-o", built["long"], "-P", "test-simplex", env=cups.env(), input="\n")
    assert result.returncode == 0, result.stderr
    fronts, backs = _jobs(result.stdout)
    assert (fronts["part"], backs["part"]) == ("fronts", "backs")
    assert {fronts["sides"], backs["sides"], fronts["media"], fronts["sheets"]} == {"one-sided", "Letter", "2"}
    instruction = result.stdout.split("\n", 1)[1].rsplit("\n", 2)[0]
    assert "test-simplex cannot print two-sided-short-edge" in instruction
    assert "flip on the short edge" in instruction and "must now go in last" in instruction
    assert "Wait for all 2 sheets" in instruction and "Press Enter" in instruction

    front_attrs, back_attrs = cups.wait_job(fronts["id"]), cups.wait_job(backs["id"])
    assert (front_attrs["page-ranges"], front_attrs["sides"], front_attrs["media"]) == ("1-1,3-3", "one-sided", "Letter")
    assert (back_attrs["page-ranges"], back_attrs["sides"]) == ("2-2,4-4", "one-sided")
    assert front_attrs["print-scaling"] == back_attrs["print-scaling"] == "none"
    # sheet k's front and back are the k-th page of each job: the backs line up
    assert _which_pages(cups.output(fronts["id"]), source) == [1, 3]
    assert _which_pages(cups.output(backs["id"]), source) == [2, 4]


@needs_cups
def test_manual_duplex_forced_and_answered_r_prints_the_backs_last_sheet_first(cups, built):
    source = built["long"] / "printlong-en-booklet-print.pdf"
    result = _cli_subprocess("print", LONG, "-o", built["long"], "-P", "test-pdf", "--manual-duplex",
                             env=cups.env(), input="r\n")
    assert result.returncode == 0, result.stderr
    fronts, backs = _jobs(result.stdout)
    assert backs["part"] == "backs, last sheet first"
    assert "cannot print" not in result.stdout  # test-pdf can: this was asked for
    attrs = cups.wait_job(backs["id"])
    assert (attrs["page-ranges"], attrs.get("outputorder")) == ("2-2,4-4", "reverse")
    assert _which_pages(cups.output(fronts["id"]), source) == [1, 3]
    assert _which_pages(cups.output(backs["id"]), source) == [4, 2]


@needs_cups
def test_manual_duplex_without_an_answer_sends_no_backs(cups, built):
    env = cups.env()
    result = _cli_subprocess("print", *EN, "-l", "booklet", "-o", built["en"], "-P", "test-simplex", env=env, input="")
    assert result.returncode == 1
    (fronts,) = _jobs(result.stdout)
    assert fronts["part"] == "fronts"
    errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "hint:"))]
    assert errors[0] == "error: no answer on standard input: the backs of en/booklet were not printed"
    booklet = _printer_file(built["en"], "booklet")
    assert errors[1].endswith(f"-t {shlex.quote(booklet.stem + ' (backs)')} {shlex.quote(str(booklet))}")
    assert "-o page-ranges=2" in errors[1] and errors[1].startswith("hint: run pamphlet print in a terminal")
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- real CUPS: the test sheet


@needs_cups
def test_the_test_sheet(cups_env, tmp_path):
    result = run_cli("print", "--test-sheet", "-P", "test-pdf", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    (job,) = _jobs(result.stdout)
    assert (job["name"], job["sides"], job["media"], job["sheets"]) == ("test sheet", "two-sided-long-edge", "A4", "1")
    job_id = job["id"]
    attrs = cups_env.wait_job(job_id)
    assert (attrs["sides"], attrs["media"], attrs["print-scaling"]) == ("two-sided-long-edge", "A4", "none")
    assert _pages(cups_env.output(job_id)) == 2

    sheet = tmp_path / "pamphlet-test-sheet-a4.pdf"
    with pikepdf.open(sheet) as pdf:
        assert [[round(float(v)) for v in p.mediabox] for p in pdf.pages] == [[0, 0, 595, 842]] * 2
    front, back = (" ".join(t.split()) for t in page_texts(sheet))
    assert "TOP" in front and "FRONT" in front and "like a page in a book" in front
    assert "--manual-duplex" in front  # what to do when the back came out on a second sheet
    assert "BACK" in back and "right way up" in back and "upside down" in back and "--swap-edges" in back
    # the verdict for a back that came out upside down is itself printed upside down, in the lower half
    (good,) = text_boxes(sheet, 1, "This back is the right way up.")
    (bad,) = text_boxes(sheet, 1, "This back came out upside down.")
    assert good[1] > 421 > bad[3]  # PDF y grows upwards: the right-way-up verdict is in the top half


# --------------------------------------------------------------------------- real CUPS: errors


def _error(result) -> tuple[str, str]:
    """The one ``error:`` line and the one ``hint:`` line; nothing else on stderr after the build lines."""
    lines = [line for line in result.stderr.splitlines() if not line.startswith(("Building ", "["))]
    assert len(lines) == 2 and "Traceback" not in result.output, result.stderr
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: ")
    return lines[0], lines[1]


@needs_cups
def test_no_such_printer_lists_the_printers(cups_env, built):
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"], "-P", "nope")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == (f"error: no printer 'nope' on the CUPS server at {cups_env.server} "
                     "(printers: test-pdf, test-refuse, test-rejecting, test-simplex, test-stopped)")
    assert hint == "hint: choose one of them with -P, e.g. -P test-pdf"


@needs_cups
def test_no_default_printer_lists_the_printers(cups_env, built):
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"])
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == ("error: no printer given and CUPS has no default printer "
                     "(printers: test-pdf, test-refuse, test-rejecting, test-simplex, test-stopped)")
    assert hint == "hint: choose one with -P test-pdf, or make one the default: lpoptions -d test-pdf"


@needs_cups
def test_a_refused_job_shows_lps_reason(cups_env, built):
    before = cups_env.jobs()
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"], "-P", "test-refuse")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == "error: test-refuse refused en/zine: Not allowed to print."
    assert hint.startswith("hint: the print server does not let you print on test-refuse")
    assert cups_env.jobs() == before


@needs_cups
def test_a_stopped_queue_is_named_before_anything_is_sent(cups_env, built):
    before = cups_env.jobs()
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"], "-P", "test-stopped")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == "error: printer 'test-stopped' is stopped: out of paper"
    assert hint.startswith("hint: start it with `cupsenable test-stopped`")
    result = run_cli("print", *EN, "-l", "zine", "-o", built["en"], "-P", "test-rejecting")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == "error: printer 'test-rejecting' is not accepting jobs: closed for maintenance"
    assert hint.startswith("hint: let it take jobs again with `cupsaccept test-rejecting`")
    assert cups_env.jobs() == before


@needs_cups
def test_a_failed_build_sends_nothing(cups_env, tmp_path):
    before = cups_env.jobs()
    result = run_cli("print", BROKEN, "-o", tmp_path, "-P", "test-pdf", "-j", "1")
    assert result.exit_code == 1
    assert "de.md:7: cannot load images/missing.png" in result.stderr
    assert "error: 1 of 2 editions failed to build; nothing was sent" in result.stderr
    assert (tmp_path / "printbroken-en-leaflet.pdf").is_file()  # en built, and still was not sent
    assert cups_env.jobs() == before
    assert result.stdout == ""


@pytest.mark.needs_service(None if shutil.which("lpstat") else "CUPS client tools not installed (lpstat)")
def test_the_scheduler_unreachable(monkeypatch, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{port}")
    result = run_cli("print", *EN, "-o", tmp_path, "-P", "test-pdf")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == f"error: cannot reach the CUPS scheduler at 127.0.0.1:{port}"
    assert hint == f"hint: start it (`sudo systemctl start cups`, or `sudo cupsd`), or fix CUPS_SERVER (now 127.0.0.1:{port})"
    assert list(tmp_path.iterdir()) == []  # checked before building anything


def test_no_cups_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    result = run_cli("print", *EN, "-o", tmp_path / "out", "-P", "test-pdf")
    assert result.exit_code == 1
    error, hint = _error(result)
    assert error == "error: CUPS is not installed: there is no `lp` command"
    assert hint.startswith("hint: install CUPS")


# --------------------------------------------------------------------------- fake CUPS tools on PATH

FAKE_TOOL = r"""#!{python}
# A stand-in for a CUPS tool: logs its arguments, answers like CUPS 2.4 would.
import os, shlex, sys

tool, args = os.path.basename(sys.argv[0]), sys.argv[1:]
log = os.path.join(os.environ["FAKE_CUPS"], "calls")
with open(log, "a") as fh:
    fh.write(shlex.join([tool, *args]) + "\n")
first = args[0] if args else ""
if tool == "lp":
    with open(log) as fh:
        number = sum(line.startswith("lp ") for line in fh)
    if str(number) == os.environ.get("FAKE_LP_REFUSES"):
        sys.exit(print("lp: Error - The printer or class is not shared.", file=sys.stderr) or 1)
    print(f"request id is Fake-{{number}} (1 file(s))")
elif tool == "lpoptions":
    print("Duplex/2-Sided Printing: *None DuplexNoTumble DuplexTumble" if args[1] == "Office"
          else "PageSize/Media Size: *A4 Letter")
else:
    print({{"-r": "scheduler is running", "-H": "print.example:631", "-e": "Office\nShed",
           "-d": "system default destination: Office",
           "-p": f"printer {{args[-1]}} is idle.  enabled since Mon 01 Jun 2026 10:00:00",
           "-a": f"{{args[-1]}} accepting requests since Mon 01 Jun 2026 10:00:00"}}[first])
"""


@pytest.fixture
def fake_cups(tmp_path, monkeypatch) -> Path:
    """lp, lpstat and lpoptions as small scripts, alone on PATH (no ipptool: sides come from the PPD options)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("lp", "lpstat", "lpoptions"):
        path = bin_dir / tool
        path.write_text(FAKE_TOOL.format(python=sys.executable), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_CUPS", str(tmp_path))
    monkeypatch.delenv("CUPS_SERVER", raising=False)
    (tmp_path / "calls").write_text("", encoding="utf-8")
    return tmp_path


def _lp_calls(fake: Path) -> list[list[str]]:
    return [shlex.split(line)[1:] for line in (fake / "calls").read_text().splitlines() if line.startswith("lp ")]


def test_fake_cups_duplex_known_from_lpoptions(fake_cups, built):
    result = run_cli("print", *EN, "-l", "trifold", "-o", built["en"])  # the default printer, Office
    assert result.exit_code == 0, result.output
    assert result.stdout == "en/trifold → Office job 1: 1 sheet, two-sided-short-edge, A4\n"
    (argv,) = _lp_calls(fake_cups)
    trifold = _printer_file(built["en"], "trifold")
    assert argv == ["-d", "Office", "-n", "1", "-o", "sides=two-sided-short-edge", "-o", "media=A4",
                    "-o", "print-scaling=none", "-t", trifold.stem, str(trifold)]


def test_fake_cups_simplex_printer_gets_manual_duplex(fake_cups, built):
    result = run_cli("print", *EN, "-l", "handbill", "-l", "zine", "-o", built["en"], "-P", "Shed", input="\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "en/handbill → Shed job 1 (fronts): 1 sheet, one-sided, A4"
    assert lines[1].startswith("Shed cannot print two-sided-long-edge: printing by hand.")
    assert lines[-2] == "en/handbill → Shed job 2 (backs): 1 sheet, one-sided, A4"
    assert lines[-1] == "en/zine → Shed job 3: 1 sheet, one-sided, A4"
    calls = _lp_calls(fake_cups)
    assert [c[c.index("-t") - 1] for c in calls[:2]] == ["page-ranges=1", "page-ranges=2"]
    assert "page-ranges=1" not in calls[2] and "sides=one-sided" in calls[2]


def test_fake_cups_swap_edges(fake_cups, built):
    result = run_cli("print", *EN, "-l", "trifold", "-l", "leaflet", "-o", built["en"], "-P", "Office",
                     "--swap-edges", "--dry-run")
    assert result.exit_code == 0, result.output
    assert ["sides=two-sided-long-edge" in line for line in result.stdout.splitlines()] == [True, False]
    assert "sides=two-sided-short-edge" in result.stdout.splitlines()[1]
    assert _lp_calls(fake_cups) == []


def test_fake_cups_a_refusal_after_some_jobs_says_what_went_out(fake_cups, built, monkeypatch):
    monkeypatch.setenv("FAKE_LP_REFUSES", "2")
    result = run_cli("print", *EN, "-l", "trifold", "-l", "leaflet", "-o", built["en"], "-P", "Office")
    assert result.exit_code == 1
    assert result.stdout == "en/trifold → Office job 1: 1 sheet, two-sided-short-edge, A4\n"
    error, hint = _error(result)
    assert error == ("error: Office refused en/leaflet: The printer or class is not shared. "
                     "(already sent: en/trifold (job 1))")
    assert hint == "hint: check the queue with `lpstat -l -p Office` and the CUPS error log"


@pytest.mark.expect_warnings("CUPS is not installed: there is no `lp` command")
def test_dry_run_without_cups_still_shows_the_commands(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no CUPS tools at all
    result = run_cli("print", "--test-sheet", "-o", tmp_path, "--dry-run")
    assert result.exit_code == 0, result.output
    sheet = tmp_path / "pamphlet-test-sheet-a4.pdf"
    assert result.stdout == (f"lp -n 1 -o sides=two-sided-long-edge -o media=A4 -o print-scaling=none "
                             f"-t pamphlet-test-sheet-a4 {shlex.quote(str(sheet))}\n")  # lp's default printer
    assert "warning: CUPS is not installed: there is no `lp` command; showing the commands anyway" in result.stderr


# --------------------------------------------------------------------------- pure planning


def _file(sides: str, pages: int, sheets: int = 1) -> printing.PrintFile:
    return printing.PrintFile("en/x", Path("/tmp/x-print.pdf"), sides, "a4", sheets, pages)


@pytest.mark.parametrize(("sides", "supported", "forced", "manual"), [
    ("one-sided", frozenset({"one-sided"}), True, False),           # nothing to turn
    ("two-sided-long-edge", None, False, False),                    # unknown: trust the printer
    ("two-sided-long-edge", frozenset({"one-sided"}), False, True),
    ("two-sided-short-edge", frozenset(printing.SIDES), False, False),
    ("two-sided-short-edge", frozenset(printing.SIDES), True, True),
    ("two-sided-short-edge", frozenset({"one-sided", "two-sided-long-edge"}), False, True),
])
def test_when_manual_duplex(sides, supported, forced, manual):
    assert printing.needs_manual(sides, supported, forced=forced) is manual


def test_manual_duplex_plan_splits_odd_and_even_pages():
    steps = printing.plan([_file("two-sided-short-edge", 6, 3)], "P", 2, manual_duplex=True)
    fronts, pause, backs = steps
    assert isinstance(pause, printing.Pause) and "all 6 sheets" in pause.text  # 3 sheets × 2 copies
    assert (fronts.page_ranges, backs.page_ranges) == ("1,3,5", "2,4,6")
    assert fronts.sides == backs.sides == "one-sided" and fronts.copies == 2
    # a one-page leaflet is one-sided, whatever was asked
    (job,) = printing.plan([_file("two-sided-long-edge", 1)], "P", manual_duplex=True)
    assert job.sides == "one-sided" and job.page_ranges is None


@needs_cups
def test_one_variant_is_printed_with_dash_v(cups_env, tmp_path):
    out = tmp_path / "dist"
    result = run_cli("print", FIXTURES / "variants", "-V", "leeds", "-L", "en", "-l", "leaflet", "-o", out,
                     "-P", "test-pdf", "--dry-run")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert line.startswith("lp -d test-pdf ") and "/leeds/" in line and "london" not in line
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["leeds"]
