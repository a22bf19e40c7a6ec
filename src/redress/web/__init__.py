"""The staff workbench: server-rendered pages (Django templates + htmx) over the
complaint services. Each area is a subpackage with its own views, urls and templates."""
