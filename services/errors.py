"""Why a service refused: a caller shows the message (CLI) or a text of its own (a chat)."""


class ServiceError(Exception):
    """A request the data does not allow; nothing was written."""


class NotFound(ServiceError):
    pass



class Locked(ServiceError):
    """Linking to this ID is locked for now: someone has been guessing at it."""
