"""Fixtures for the end-to-end tests; the machinery is in harness.py.

    def test_something(app):          # app: harness.AppSession
        app.wait_for_text("Choose who you are")
        app.find_element(By.ID, "...").click()    # falls through to the driver
        app.screenshot("after-click")              # prints the PNG's path
        app.data_dir                               # this test's SO_DATA_DIR
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

import harness


def _terminate(signum, frame):
    # SIGTERM (a CI timeout, `kill`) as if Ctrl-C: fixtures still tear down, so
    # tauri-driver, WebKitWebDriver and the app do not outlive the run.
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _terminate)


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path):
    """The real app, freshly started on an empty data directory."""
    binary = harness.app_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(
            f"app binary not found at {binary}: build it with `bash scripts/test.sh app` (cargo build --workspace --bins)"
            " (or set SO_APP_BINARY)",
            pytrace=False,
        )

    artifacts = harness.artifacts_dir() / harness._slug(request.node.name)
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = dict(os.environ)
    # tauri-driver's environment reaches WebKitWebDriver and so the app.
    env["SO_DATA_DIR"] = str(data_dir)
    # Keep the web view's own storage (localStorage, caches) per test too.
    for var, sub in (("XDG_DATA_HOME", "xdg-data"), ("XDG_CONFIG_HOME", "xdg-config"),
                     ("XDG_CACHE_HOME", "xdg-cache")):
        (tmp_path / sub).mkdir()
        env[var] = str(tmp_path / sub)

    driver_log = artifacts / "tauri-driver.log"
    proc, port = harness.start_tauri_driver(env, driver_log)
    session = None
    try:
        try:
            driver = harness.open_session(port, binary, driver_log)
        except Exception as e:
            raise RuntimeError(
                f"could not open a WebDriver session on the app: {e}\n"
                f"tauri-driver/app log ({driver_log}), without backtraces:\n"
                f"{harness._tail(driver_log)}"
            ) from e
        session = harness.AppSession(driver=driver, data_dir=data_dir,
                                     artifacts=artifacts, driver_log=driver_log)
        request.node._so_app = session
        yield session
    finally:
        if session is not None:
            try:
                session.driver.quit()
            except Exception as e:  # the app may already be gone
                print(f"[e2e] driver.quit() failed: {e}")
        harness.stop_process_group(proc)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """On a failing test, save what the app showed: web view, whole screen,
    page source, and point at the driver's log."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    session = getattr(item, "_so_app", None)
    if session is None:
        return
    for save in (lambda: session.screenshot("FAILED"),
                 lambda: session.screen_screenshot("FAILED"),
                 lambda: session.save_page_source("FAILED")):
        try:
            save()
        except Exception as e:
            print(f"[e2e] could not save a failure artifact: {e}")
    try:
        shown = "\n".join(session.on_screen_messages()) or "(nothing)"
    except Exception as e:
        shown = f"(could not read the screen: {e})"
    report.sections.append(("what the app showed", shown))
    try:
        warnings = harness.log_warnings(session.driver_log)
    except Exception as e:
        warnings = f"(could not read the app's log: {e})"
    report.sections.append(("the app's last warnings", warnings))
    for path, what in ((session.driver_log, "tauri-driver/app log"), (session.data_dir, "data dir")):
        try:
            harness.record_artifact(path, what)
        except Exception as e:
            print(f"[e2e] could not record {what}: {e}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if harness.SAVED_ARTIFACTS:
        terminalreporter.section("e2e artifacts")
        for path in harness.SAVED_ARTIFACTS:
            terminalreporter.write_line(str(path))


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest):
    """The real central server (so-server) on a fresh database, with the demo accounts."""
    artifacts = harness.artifacts_dir() / harness._slug(request.node.name)
    artifacts.mkdir(parents=True, exist_ok=True)
    try:
        running = harness.start_server(artifacts / "so-server.log")
    except Exception as e:
        pytest.fail(str(e), pytrace=False)
    try:
        yield running
    finally:
        harness.stop_server(running)
