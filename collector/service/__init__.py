"""`owabi run`: the daemon's lifecycle, its schedule, leader election, and the HTTP
endpoints for health and metrics."""
