"""Security checks shared by roles: login rate limits, production secrets, CORS."""
