"""HTTP, the one boundary to the outside: the fetcher with its limits, the address guard
for links found in scraped content, and robots.txt."""

from collector.fetch.client import Fetcher, FetchResult, FetchSettings, owabi_version

__all__ = ["FetchResult", "FetchSettings", "Fetcher", "owabi_version"]
