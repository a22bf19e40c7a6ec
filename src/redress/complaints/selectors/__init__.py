"""Read-side queries for pages and reports (DESIGN: selectors). Nothing here writes."""
