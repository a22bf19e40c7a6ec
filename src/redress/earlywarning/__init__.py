"""Early warning (预警, 003 §7): the sweep looks for improbably many complaints in a
series, mass complaints and repeat complainants, and tells the complaints office and
compliance, who acknowledge each warning with a note."""
