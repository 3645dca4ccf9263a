"""The hall clerk's staff mode: PIN and lockout, the staff session, and what a clerk may do at the terminal."""
