"""REST API for integrations (django-ninja): tokens with scopes, idempotent create."""
