"""Public profiles: a user's handle, visible posts and the likes those posts received."""
