"""The API's routers: complaints (create, read, list, timeline, clocks), actions, evidence."""
