"""The analysts' window: incident pages, an Atom feed and a JSON API, served with the
probes by `owabi run` and `owabi serve`."""
