"""Drives the real desktop app (the debug build of `so-desktop`) through
tauri-driver and WebKitWebDriver, with Selenium.

The `app` fixture in conftest.py gives each test an `AppSession`: a fresh data
directory, its own tauri-driver on free ports, and a Selenium session whose
browser *is* the app. Run it inside a virtual screen and a D-Bus session
(scripts/test.sh does):

    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
        bash tests/e2e/in-session.sh .venv-e2e/bin/python -m pytest tests/e2e

Environment variables:
    SO_APP_BINARY       the app to drive (default $CARGO_TARGET_DIR/debug/so-desktop,
                        CARGO_TARGET_DIR defaulting to ~/.cache/second-opinion/target)
    TAURI_DRIVER        the tauri-driver binary (default: on PATH or ~/.cargo/bin)
    E2E_ARTIFACTS       where screenshots and logs go (default tests/e2e/artifacts)
    E2E_WAIT            default bound, in seconds, of the wait_* helpers (default 30)
    E2E_DRIVER_TIMEOUT  bound, in seconds, for tauri-driver to listen (default 30)
    E2E_COMMAND_TIMEOUT bound, in seconds, on one WebDriver command (default 90)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]

# Every artifact written during the run, listed again at the end (conftest.py).
SAVED_ARTIFACTS: list[Path] = []


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


DEFAULT_WAIT = _env_float("E2E_WAIT", 30.0)
DRIVER_START_TIMEOUT = _env_float("E2E_DRIVER_TIMEOUT", 30.0)
# Bound on any one WebDriver command, session creation included (Selenium's
# own default is to wait forever, e.g. on an app that hangs while starting).
COMMAND_TIMEOUT = _env_float("E2E_COMMAND_TIMEOUT", 90.0)


def target_dir() -> Path:
    default = Path.home() / ".cache" / "second-opinion" / "target"
    return Path(os.environ.get("CARGO_TARGET_DIR") or default)


def app_binary() -> Path:
    """The built app: $SO_APP_BINARY, else the debug build in the target dir."""
    explicit = os.environ.get("SO_APP_BINARY")
    return Path(explicit) if explicit else target_dir() / "debug" / "so-desktop"


def tauri_driver_binary() -> Path | None:
    explicit = os.environ.get("TAURI_DRIVER")
    if explicit:
        return Path(explicit)
    found = shutil.which("tauri-driver")
    if found:
        return Path(found)
    fallback = Path.home() / ".cargo" / "bin" / "tauri-driver"
    return fallback if fallback.exists() else None


def artifacts_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS") or E2E_DIR / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def record_artifact(path: Path, what: str) -> Path:
    """Remember an artifact and print where it is (shown with -s or -rA, and
    listed again in the terminal summary)."""
    SAVED_ARTIFACTS.append(path)
    print(f"[e2e] {what}: {path}", flush=True)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(
    port: int, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None
) -> None:
    """Polls 127.0.0.1:port until it accepts a connection; fails after `timeout`
    seconds, or at once if `proc` exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"process exited with {proc.returncode} before listening on port {port}"
                + (f"; its log:\n{_tail(log)}" if log else "")
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"nothing listening on 127.0.0.1:{port} after {timeout:.0f} s"
                + (f"; log:\n{_tail(log)}" if log else "")
            )
        time.sleep(0.1)


_BACKTRACE_LINE = re.compile(r"^\s+(\d+: |at )")


def _tail(path: Path | None, lines: int = 40) -> str:
    """The last `lines` lines of a log, without Rust backtrace frames."""
    if path is None or not path.exists():
        return "(no log)"
    text = [line for line in path.read_text(errors="replace").splitlines()
            if not _BACKTRACE_LINE.match(line)]
    return "\n".join(text[-lines:])


def log_panic(path: Path) -> str | None:
    """The first Rust panic in a log (message and a few lines), if any."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    at = text.find("panicked at")
    if at < 0:
        return None
    start = text.rfind("\n", 0, at) + 1
    return "\n".join(text[start:].splitlines()[:4])


_LOG_LEVEL = re.compile(r"\b(WARN|ERROR)\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_warnings(path: Path | None, lines: int = 15) -> str:
    """The app's last warnings and errors (the app never logs patient data)."""
    if path is None or not path.exists():
        return "(no log)"
    found = [_ANSI.sub("", line) for line in path.read_text(errors="replace").splitlines()]
    found = [line for line in found if _LOG_LEVEL.search(line)]
    return "\n".join(found[-lines:]) or "(none)"


# What the screen says to its user: alerts and toasts, open dialogs, field errors.
_ON_SCREEN_JS = """
const seen = [];
const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
for (const [what, selector] of [
  ["alert", '[role="alert"]'],
  ["dialog", '[role="dialog"] .mantine-Modal-title'],
  ["field error", '.mantine-InputWrapper-error'],
]) {
  for (const el of document.querySelectorAll(selector)) {
    if (visible(el)) seen.push(what + ": " + el.innerText.trim().replace(/\\s+/g, " "));
  }
}
return seen;
"""


def tid(testid: str) -> tuple[str, str]:
    """Locator of the element with data-testid=`testid` (the UI's test hooks)."""
    return (By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:100] or "x"


class AppCrashed(RuntimeError):
    """The app under test panicked (its log says so)."""


@dataclass
class AppSession:
    """One running app. Attribute access falls through to the Selenium driver,
    so `app.find_element(...)` works as well as `app.driver.find_element(...)`."""

    driver: WebDriver
    data_dir: Path
    artifacts: Path
    driver_log: Path
    _shots: int = field(default=0, repr=False)

    def __getattr__(self, name: str):
        # Only called for attributes AppSession itself lacks.
        return getattr(self.driver, name)

    # -- artifacts ---------------------------------------------------------
    def screenshot(self, name: str) -> Path:
        """Saves a PNG of the app's web view as artifacts/<test>/NN-<name>.png,
        prints its path and returns it."""
        self._shots += 1
        path = self.artifacts / f"{self._shots:02d}-{_slug(name)}.png"
        if not self.driver.save_screenshot(str(path)):
            raise RuntimeError(f"WebDriver could not take a screenshot for {path}")
        return record_artifact(path, "screenshot")

    def screen_screenshot(self, name: str) -> Path | None:
        """Saves the whole (virtual) X screen, including native windows and
        dialogs the web view cannot see, with ImageMagick's `import`."""
        if not os.environ.get("DISPLAY") or not shutil.which("import"):
            return None
        self._shots += 1
        path = self.artifacts / f"{self._shots:02d}-{_slug(name)}-screen.png"
        subprocess.run(
            ["import", "-window", "root", str(path)], check=True, timeout=30,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return record_artifact(path, "screen screenshot")

    def save_page_source(self, name: str) -> Path:
        path = self.artifacts / f"{_slug(name)}.html"
        path.write_text(self.driver.page_source)
        return record_artifact(path, "page source")

    def on_screen_messages(self) -> list[str]:
        """The alerts, toasts, open dialogs and field errors the app shows now."""
        return list(self.driver.execute_script(_ON_SCREEN_JS) or [])

    # -- waiting -----------------------------------------------------------
    def wait(self, timeout: float | None = None) -> WebDriverWait:
        return WebDriverWait(
            self.driver,
            DEFAULT_WAIT if timeout is None else timeout,
            poll_frequency=0.2,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )

    def app_panic(self) -> str | None:
        """The app's panic message, when its log (via tauri-driver) has one."""
        return log_panic(self.driver_log)

    def wait_until(self, condition: Callable[[WebDriver], object], what: str,
                   timeout: float | None = None):
        """Waits (bounded) until condition(driver) is truthy and returns it.
        Fails at once when the app has panicked meanwhile."""
        def check(d: WebDriver):
            panic = self.app_panic()
            if panic:
                raise AppCrashed(f"the app panicked while waiting for {what}:\n{panic}")
            return condition(d)
        try:
            return self.wait(timeout).until(check)
        except TimeoutException as e:
            raise TimeoutException(
                f"timed out after {timeout or DEFAULT_WAIT:.0f} s waiting for {what}"
            ) from e

    def body_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait_for_text(self, text: str, timeout: float | None = None) -> None:
        """Waits until the page's visible text contains `text`."""
        self.wait_until(lambda d: text in d.find_element(By.TAG_NAME, "body").text,
                        f"the text {text!r}", timeout)

    def wait_for(self, by: str, value: str, timeout: float | None = None) -> WebElement:
        """Waits until an element is present and displayed, and returns it."""
        def found(d: WebDriver):
            el = d.find_element(by, value)
            return el if el.is_displayed() else None
        return self.wait_until(found, f"element {by}={value!r}", timeout)

    def dismiss_notifications(self, timeout: float = 10.0) -> None:
        """Closes the UI's toast notifications (Mantine), so that a screenshot
        shows what they cover. Best effort: never fails the test."""
        close = ".mantine-Notification-closeButton"
        try:
            for button in self.driver.find_elements(By.CSS_SELECTOR, close):
                try:
                    button.click()
                except Exception:
                    pass
            self.wait(timeout).until(lambda d: not [
                n for n in d.find_elements(By.CSS_SELECTOR, ".mantine-Notification-root")
                if n.is_displayed()])
        except Exception as e:
            print(f"[e2e] notifications still shown: {e.__class__.__name__}")

    # -- the UI's data-testid hooks ----------------------------------------
    def by_tid(self, testid: str, timeout: float | None = None) -> WebElement:
        """Waits until [data-testid=testid] is present and displayed; returns it."""
        return self.wait_for(*tid(testid), timeout=timeout)

    def all_tid(self, testid: str) -> list[WebElement]:
        """Every [data-testid=testid] now on the page (no waiting)."""
        return self.driver.find_elements(*tid(testid))

    def click_tid(self, testid: str, timeout: float | None = None) -> None:
        """Clicks [data-testid=testid] once it is displayed, enabled and not
        covered (e.g. by a closing modal or a notification); bounded wait."""
        def attempt(d: WebDriver) -> bool:
            el = d.find_element(*tid(testid))
            if not (el.is_displayed() and el.is_enabled()):
                return False
            try:
                el.click()
            except (ElementClickInterceptedException, ElementNotInteractableException):
                return False
            return True
        self.wait_until(attempt, f"[data-testid={testid!r}] to be clickable", timeout)

    def type_tid(self, testid: str, text: str, timeout: float | None = None) -> WebElement:
        """Types `text` into the (empty) field [data-testid=testid]."""
        el = self.by_tid(testid, timeout)
        el.click()
        el.send_keys(text)
        return el

    def select_tid(self, testid: str, *, value: str | None = None,
                   text_contains: str | None = None, timeout: float | None = None) -> str:
        """Picks an option of the <select> [data-testid=testid]: the one with
        `value`, else the first whose visible text contains `text_contains`,
        else the first enabled one with a non-empty value (not a placeholder).
        Waits (bounded) for such an option to be there, e.g. while the options
        load. Returns the chosen option's visible text."""
        def pick(d: WebDriver):
            el = d.find_element(*tid(testid))
            if not el.is_displayed() or not el.is_enabled():
                return None
            for opt in Select(el).options:
                if not opt.is_enabled():
                    continue
                v = opt.get_attribute("value") or ""
                label = opt.text.strip()
                if value is not None:
                    ok = v == value
                elif text_contains is not None:
                    ok = text_contains.lower() in label.lower()
                else:
                    ok = v != ""
                if ok:
                    Select(el).select_by_value(v)
                    return label or v
            return None
        want = (f"value {value!r}" if value is not None else
                f"text containing {text_contains!r}" if text_contains is not None else
                "a non-placeholder option")
        return self.wait_until(pick, f"[data-testid={testid!r}] to offer {want}", timeout)

    def wait_tid_text(self, testid: str, predicate: Callable[[str], bool], what: str,
                      timeout: float | None = None) -> str:
        """Waits until the visible text of [data-testid=testid] satisfies
        `predicate`; returns that text."""
        def check(d: WebDriver):
            text = d.find_element(*tid(testid)).text
            return text if predicate(text) else None
        try:
            return self.wait_until(check, f"[data-testid={testid!r}] {what}", timeout)
        except TimeoutException as e:
            try:
                now = self.driver.find_element(*tid(testid)).text
            except NoSuchElementException:
                now = "<not on the page>"
            raise TimeoutException(f"{e.msg}; its text is now {now!r}") from e

    def click_row(self, testid: str, text: str, timeout: float | None = None) -> None:
        """Clicks the [data-testid=testid] row containing `text`, on the cell
        with that text (WebKitWebDriver finds a table row itself not
        interactable); bounded wait, retried while covered."""
        def attempt(d: WebDriver) -> bool:
            for row in d.find_elements(*tid(testid)):
                if text not in row.text:
                    continue
                cells = [c for c in row.find_elements(By.XPATH, "./*") if text in c.text]
                target = cells[0] if cells else row
                try:
                    target.click()
                except (ElementClickInterceptedException, ElementNotInteractableException):
                    return False
                return True
            return False
        self.wait_until(attempt, f"a clickable [data-testid={testid!r}] containing {text!r}",
                        timeout)

    def row_with_text(self, testid: str, text: str, timeout: float | None = None) -> WebElement:
        """Waits for a [data-testid=testid] element whose visible text contains
        `text` (e.g. the case-list row of a patient); returns it."""
        def find(d: WebDriver):
            for el in d.find_elements(*tid(testid)):
                if text in el.text:
                    return el
            return None
        return self.wait_until(find, f"a [data-testid={testid!r}] containing {text!r}", timeout)


def start_tauri_driver(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, int]:
    """Starts tauri-driver on free ports in its own process group and waits,
    bounded, until it and its WebKitWebDriver listen. Returns the process and
    its port."""
    binary = tauri_driver_binary()
    if binary is None:
        raise RuntimeError("tauri-driver not found: run `bash scripts/setup.sh`")
    port, native_port = free_port(), free_port()
    while native_port == port:
        native_port = free_port()
    log = open(log_path, "wb")
    try:
        proc = subprocess.Popen(
            [str(binary), "--port", str(port), "--native-port", str(native_port)],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # so that teardown can end it with its children
        )
    finally:
        log.close()
    try:
        # tauri-driver listens at once, but proxies to WebKitWebDriver, which
        # it starts alongside: a session asked for before that one listens
        # fails ("client error (Connect)"). Wait for both.
        wait_for_port(port, DRIVER_START_TIMEOUT, proc, log_path)
        wait_for_port(native_port, DRIVER_START_TIMEOUT, proc, log_path)
    except BaseException:
        stop_process_group(proc)
        raise
    return proc, port


def stop_process_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Ends a process started with start_new_session=True and everything it
    started (WebKitWebDriver, the app): SIGTERM, then SIGKILL after `grace` s."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # The group may outlive its leader (e.g. the app still closing).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=grace)


def open_session(port: int, application: Path, log: Path,
                 args: list[str] | None = None) -> WebDriver:
    """Opens a WebDriver session, i.e. starts the app. Bounded by
    COMMAND_TIMEOUT, and fails as soon as the app panics in `log`."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(_new_session, port, application, args)
    pool.shutdown(wait=False)
    deadline = time.monotonic() + COMMAND_TIMEOUT
    while True:
        try:
            return future.result(timeout=0.25)
        except FutureTimeout:
            pass
        panic = log_panic(log)
        if panic:
            raise AppCrashed(f"the app panicked while starting:\n{panic}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no WebDriver session after {COMMAND_TIMEOUT:.0f} s")


def _new_session(port: int, application: Path, args: list[str] | None) -> WebDriver:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    tauri_options: dict[str, object] = {"application": str(application)}
    if args:
        tauri_options["args"] = args
    options.set_capability("tauri:options", tauri_options)
    url = f"http://127.0.0.1:{port}"
    config = ClientConfig(remote_server_addr=url, timeout=int(COMMAND_TIMEOUT))
    # The app runs on this machine: send a file input the path itself instead
    # of uploading the file (an endpoint tauri-driver does not have).
    return webdriver.Remote(command_executor=url, options=options, client_config=config,
                            file_detector=UselessFileDetector())


# ---------------------------------------------------------------------------
# the central server, for tests of the app in server mode
# ---------------------------------------------------------------------------

def server_binary() -> Path:
    """The built server: $SO_SERVER_BINARY, else the debug build in the target dir."""
    explicit = os.environ.get("SO_SERVER_BINARY")
    return Path(explicit) if explicit else target_dir() / "debug" / "so-server"


@dataclass
class ServerProcess:
    """so-server on its own database of the project's throw-away cluster."""

    url: str
    database_url: str
    admin_url: str
    database: str
    proc: subprocess.Popen
    log: Path

    def call(self, method: str, path: str, body: object | None = None,
             token: str | None = None) -> object:
        """One JSON request; returns the decoded answer (raises on HTTP errors)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None

    def sign_in(self, email: str, password: str) -> str:
        answer = self.call("POST", "/v1/auth/sign-in", {"email": email, "password": password})
        return answer["token"]


def start_server(log: Path) -> ServerProcess:
    """Starts the cluster (scripts/pg.sh, in the target dir like the Rust tests'), a
    fresh database on it and so-server with the demo accounts and the sandbox payment
    provider."""
    binary = server_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise RuntimeError(f"server binary not found at {binary}: build it with "
                           "`bash scripts/test.sh app` (cargo build --workspace --bins; or set SO_SERVER_BINARY)")
    cluster = target_dir() / "pg-e2e"
    database = f"so_e2e_{uuid.uuid4().hex[:12]}"
    env = dict(os.environ, SO_PG_DB=database, SO_PG_FAST="1")
    started = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "pg.sh"), "start", str(cluster),
         os.environ.get("SO_E2E_PG_PORT", "55434")],
        env=env, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        raise RuntimeError(f"could not start PostgreSQL: {started.stderr[-2000:]}")
    database_url = started.stdout.strip()
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    port = free_port()
    server_env = dict(os.environ, DATABASE_URL=database_url,
                      SO_SERVER_ADDR=f"127.0.0.1:{port}", SO_SERVER_DEMO="1",
                      SO_PAYMENT_PROVIDER="sandbox",
                      SO_LOG="info,sqlx=warn")
    out = open(log, "wb")
    proc = subprocess.Popen([str(binary)], env=server_env, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    try:
        wait_for_port(port, 60, proc, log)
    except Exception:
        stop_process_group(proc)
        raise
    return ServerProcess(url=f"http://127.0.0.1:{port}", database_url=database_url,
                         admin_url=admin_url, database=database, proc=proc, log=log)


def stop_server(server: ServerProcess) -> None:
    stop_process_group(server.proc)
    dropped = subprocess.run(
        ["psql", server.admin_url, "-q", "-c", f'DROP DATABASE IF EXISTS "{server.database}"'],
        capture_output=True, text=True, timeout=60)
    if dropped.returncode != 0:
        print(f"[e2e] could not drop {server.database}: {dropped.stderr.strip()}")
