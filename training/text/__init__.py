"""Text handling that keeps every offset pointing into the original string."""
