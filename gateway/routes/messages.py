class MessageRoutes:
    """The message desk's routes (filled by the messaging issue)."""
