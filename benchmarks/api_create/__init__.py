"""Helpers of `benchmarks/api_create.py` (Redress vs django-helpdesk, create throughput)."""
