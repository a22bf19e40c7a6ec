"""policyview pages of the staff workbench."""
