"""Page scripts, one per view, registered by `litextract.dashboard.nav`."""
