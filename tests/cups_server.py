"""A private CUPS scheduler for the printing tests.

Its own ServerRoot, spool, cache, state and logs in a temporary folder, one
port on 127.0.0.1, no browsing, no authentication; clients reach it through
``CUPS_SERVER``. The queues print through cups-pdf (its backend runs every job
through Ghostscript and writes a PDF), so a test can read back what was printed.

cups-pdf reads its configuration only from /etc/cups (compiled in): the
per-instance file ``/etc/cups/cups-pdf-<instance>.conf``, chosen by the device
URI ``cups-pdf:/<instance>``, is the one way to point its output (and its
logs) at our temporary folder. We write that one file, under a name no one
else uses, and remove it when the server stops; nothing else outside the
temporary folder is written (cupsd's printcap goes there too).

cups-pdf's backend is mode 0700 and owned by root (it must switch to the job's
user), so cupsd runs it only when cupsd itself runs as root: elsewhere
:func:`unavailable` says why and the tests that need it are skipped (under ``CI=true``,
failed: ``conftest.missing_service``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_ETC = Path("/etc/cups")
TOOLS = ("cupsd", "lpadmin", "lp", "lpstat", "ipptool", "cupsdisable", "cupsreject", "gs")

#: A Duplex option added to cups-pdf's PPD: CUPS derives ``sides-supported``
#: (all three values) from it. Without it the queue says ``one-sided`` only.
DUPLEX_UI = """*OpenUI *Duplex/2-Sided Printing: PickOne
*OrderDependency: 50 AnySetup *Duplex
*DefaultDuplex: None
*Duplex None/Off: "<</Duplex false>>setpagedevice"
*Duplex DuplexNoTumble/Long Edge: "<</Duplex true/Tumble false>>setpagedevice"
*Duplex DuplexTumble/Short Edge: "<</Duplex true/Tumble true>>setpagedevice"
*CloseUI: *Duplex

*CloseGroup: General"""


#: Get-Job-Attributes asking for all of them (ipptool's bundled test leaves out job-name).
GET_JOB_ATTRIBUTES = """{
  NAME "Get-Job-Attributes: all"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri job-uri $uri
  ATTR keyword requested-attributes all
  STATUS successful-ok
}
"""


def unavailable() -> str | None:
    """Why a private cupsd with cups-pdf cannot run here, or None when it can."""
    missing = [t for t in TOOLS if shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None]
    if missing:
        return f"not installed: {', '.join(missing)} (make setup installs cups, printer-driver-cups-pdf, cups-ipp-utils as root)"
    if not CUPS_PDF_PPD.is_file() or not CUPS_PDF_BACKEND.exists():
        return "cups-pdf is not installed (Debian: printer-driver-cups-pdf)"
    if os.geteuid() != 0:
        return "cups-pdf's backend (mode 0700, root) runs only under a cupsd started as root"
    if not os.access(CUPS_ETC, os.W_OK):
        return f"cups-pdf reads its per-queue configuration from {CUPS_ETC}, which is not writable"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _which(tool: str) -> str:
    found = shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    assert found, tool
    return found


class CupsServer:
    """One cupsd, its cups-pdf output folder, and helpers to read jobs back."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: that is mode 0700, and CUPS runs its filters as the user lp,
        # which must reach the spooled files. Our own folder, open to traverse, removed on stop.
        self.root = Path(tempfile.mkdtemp(prefix="pamphlet-cups-"))
        self.root.chmod(0o755)
        self.port = 0
        self.instance = f"pamphlet-test-{os.getpid()}"
        self.out = self.root / "pdf"
        self.proc: subprocess.Popen[bytes] | None = None
        self.pdf_conf = CUPS_ETC / f"cups-pdf-{self.instance}.conf"

    # -- life cycle

    def start(self) -> CupsServer:
        """Start cupsd and wait until it answers; on failure nothing is left behind."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> CupsServer:
        for folder in ("etc", "spool/tmp", "cache", "state", "log", "pdf", "pdf-spool", "ppd"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self.pdf_conf.write_text(
            f"Out {self.out}\nAnonDirName {self.out}\nSpool {self.root / 'pdf-spool'}\nLog {self.root / 'log'}\n"
            "Label 2\nLogType 3\n",
            encoding="utf-8")
        for _ in range(3):  # the free port may be taken between asking and listening
            self.port = _free_port()
            self._write_config()
            log = open(self.root / "log" / "cupsd.out", "wb")  # noqa: SIM115 - lives as long as cupsd
            self.proc = subprocess.Popen(
                [_which("cupsd"), "-f", "-c", str(self.root / "etc/cupsd.conf"), "-s", str(self.root / "etc/cups-files.conf")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self._wait_ready(10.0):
                return self
            self.stop_daemon()
        raise RuntimeError(f"cupsd did not start: {(self.root / 'log' / 'cupsd.out').read_text(errors='replace')}")

    def _write_config(self) -> None:
        r = self.root
        (r / "etc/cupsd.conf").write_text(f"""Listen 127.0.0.1:{self.port}
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
LogLevel info
MaxLogSize 0
PreserveJobHistory Yes
PreserveJobFiles No
<Location />
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Location /admin>
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Policy default>
  JobPrivateValues none
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""", encoding="utf-8")
        (r / "etc/cups-files.conf").write_text(f"""ServerRoot {r / 'etc'}
RequestRoot {r / 'spool'}
TempDir {r / 'spool/tmp'}
CacheDir {r / 'cache'}
StateDir {r / 'state'}
AccessLog {r / 'log/access_log'}
ErrorLog {r / 'log/error_log'}
PageLog {r / 'log/page_log'}
Printcap {r / 'state/printcap'}
SystemGroup root
""", encoding="utf-8")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            res = self.run("lpstat", "-r", check=False)
            if "scheduler is running" in res.stdout and "not" not in res.stdout:
                return True
            time.sleep(0.05)
        return False

    def stop_daemon(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def stop(self) -> None:
        self.stop_daemon()
        self.pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- clients

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a client of this server needs (no user or system default printer)."""
        env = {k: v for k, v in os.environ.items() if k not in ("LPDEST", "PRINTER", "CUPS_SERVER")}
        env.update(CUPS_SERVER=self.server, LC_ALL="C", HOME=str(self.root), **extra)
        return env

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([_which(argv[0]), *argv[1:]], env=self.env(), capture_output=True, text=True,
                              timeout=30, check=check)

    # -- queues

    def duplex_ppd(self) -> Path:
        """cups-pdf's PPD with a Duplex option, so the queue reports every ``sides`` value."""
        text = CUPS_PDF_PPD.read_text(encoding="latin-1")
        assert text.count("*CloseGroup: General") == 1
        path = self.root / "ppd" / "cups-pdf-duplex.ppd"
        path.write_text(text.replace("*CloseGroup: General", DUPLEX_UI), encoding="latin-1")
        return path

    def sizes_ppd(self, sizes: tuple[str, ...], *, duplex: bool = False) -> Path:
        """cups-pdf's PPD (with a Duplex option if asked) offering only the page sizes ``sizes`` (``("A4",
        "Letter")``: an office printer), so the queue's media-supported lists those and no A3 or A2."""
        keep = []
        for line in (self.duplex_ppd() if duplex else CUPS_PDF_PPD).read_text(encoding="latin-1").splitlines():
            m = re.match(r"\*(PageSize|PageRegion|ImageableArea|PaperDimension) ([^/:\s]+)", line)
            if m is None or m.group(2) in sizes:
                keep.append(line)
        path = self.root / "ppd" / f"cups-pdf-{'-'.join(sizes).lower()}{'-duplex' if duplex else ''}.ppd"
        path.write_text("\n".join(keep) + "\n", encoding="latin-1")
        return path

    def add_queue(self, name: str, *, duplex: bool, options: tuple[str, ...] = (),
                  sizes: tuple[str, ...] | None = None) -> None:
        """A cups-pdf queue; ``sizes``: only these page sizes (default: cups-pdf's, A0 to A5 and the US ones)."""
        ppd = self.sizes_ppd(sizes, duplex=duplex) if sizes else self.duplex_ppd() if duplex else CUPS_PDF_PPD
        # abort-job: a job whose filter fails ends (and the test says why) instead of stopping the queue
        self.run("lpadmin", "-h", self.server, "-p", name, "-E", "-v", f"cups-pdf:/{self.instance}",
                 "-P", str(ppd), "-o", "printer-error-policy=abort-job", *options)

    # -- jobs

    def job(self, job_id: int | str) -> dict[str, str]:
        """A job's attributes (Get-Job-Attributes through ipptool), name → value as ipptool prints it."""
        test = self.root / "get-job-attributes.test"
        if not test.exists():
            test.write_text(GET_JOB_ATTRIBUTES, encoding="utf-8")
        res = self.run("ipptool", "-tv", f"ipp://{self.server}/jobs/{job_id}", str(test), check=False)
        attrs: dict[str, str] = {}
        for m in re.finditer(r"^\s+([a-z0-9-]+) \([^)]*\) = (.*)$", res.stdout, re.M):
            attrs.setdefault(m.group(1), m.group(2).strip())
        return attrs

    def wait_job(self, job_id: int | str, timeout: float = 30.0) -> dict[str, str]:
        """The job's attributes once it has finished (completed, aborted, canceled) or got stuck."""
        deadline = time.monotonic() + timeout
        while True:
            attrs = self.job(job_id)
            done = ("completed", "aborted", "canceled", "processing-stopped", "pending-held")
            if attrs.get("job-state") in done or time.monotonic() > deadline:
                return attrs
            time.sleep(0.1)

    def output(self, job_id: int | str, timeout: float = 30.0) -> Path:
        """The PDF cups-pdf wrote for a job (``Label 2`` ends its name with ``-job_<id>.pdf``)."""
        attrs = self.wait_job(job_id, timeout)
        assert attrs.get("job-state") == "completed", (attrs, self.error_log())
        found = sorted(self.out.rglob(f"*job_{job_id}.pdf"))
        assert len(found) == 1, (found, list(self.out.rglob("*")), self.error_log())
        return found[0]

    def jobs(self) -> list[str]:
        """Every job the server has seen (request ids), finished or not."""
        res = self.run("lpstat", "-W", "all", "-o", check=False)
        return [line.split()[0] for line in res.stdout.splitlines() if line.strip()]

    def error_log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""
