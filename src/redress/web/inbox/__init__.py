"""The in-app inbox (/inbox/): each person's reminders and escalations (issue 15), the
unread count in the navigation (templatetags/inbox.py) and the escalations shown on a
case with their answers."""
