"""Who may call the API: hashed API keys with roles, and a rate limit per key."""
