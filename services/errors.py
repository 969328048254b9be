"""Why a service refused: a caller shows the message (CLI) or a text of its own (a chat)."""


class ServiceError(Exception):
    """A request the data does not allow; nothing was written."""


class NotFound(ServiceError):
    pass

