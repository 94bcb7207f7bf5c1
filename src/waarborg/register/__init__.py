"""The register app: filled by its own issue (see DESIGN.md); nothing here yet."""
