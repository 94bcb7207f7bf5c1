"""The center app: filled by its own issue (see DESIGN.md); nothing here yet."""
