"""The central site: the feed publisher and the intake service that receives applications."""
