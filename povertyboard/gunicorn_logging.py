"""gunicorn's logger with the masks of Django's log (povertyboard/logging.py) on its access and error logs.

gunicorn writes its access log itself, outside Django's LOGGING, and a request path can carry a whole
resident ID (`GET /api/v1/members/<id>/`) or a phone number. gunicorn.conf.py names this class as its
`logger_class`.
"""

from gunicorn.glogging import Logger

from povertyboard.logging import MaskPersonalData

MASK = MaskPersonalData()


class MaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(MASK)  # once: a configuration reload runs setup again, and addFilter skips a known filter
