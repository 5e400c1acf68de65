"""Smoke test: the built app starts, shows its first screen, and can be driven."""


def test_app_starts_on_the_user_picker(app):
    app.wait_for_text("Choose who you are")
    shot = app.screenshot("user-picker")
    assert shot.stat().st_size > 0
