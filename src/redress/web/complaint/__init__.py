"""complaint pages of the staff workbench."""
