"""What the service tells operators: Prometheus metrics, JSON logs, request ids."""
