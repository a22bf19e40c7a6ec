"""Request and response schemas (pydantic v2 through django-ninja)."""
