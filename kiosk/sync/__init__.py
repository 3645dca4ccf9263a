"""Terminal side of the feed: signature checks, download with verification, atomic apply, scheduler."""
