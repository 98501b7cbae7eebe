"""Launch, the player page with our runtime JavaScript, and commit handling (runtime issue)."""
