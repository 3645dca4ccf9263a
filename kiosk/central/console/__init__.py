"""The disclosure office's web console: queue with statutory clocks, replies, annual report, fleet."""
