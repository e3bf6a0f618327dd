"""Real-browser tests: JupyterLab and the static site in Debian's Chromium, driven by Playwright; axe-core for accessibility."""
