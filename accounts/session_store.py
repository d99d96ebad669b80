"""Django's database sessions, with the save of an existing session in one UPDATE statement.

Django's `db` engine wraps every save in a transaction (BEGIN, UPDATE, COMMIT: three round trips
to the database, and on SQLite a `BEGIN IMMEDIATE` that takes the write lock first) and builds a
model instance to save. An UPDATE of one row by its key is atomic by itself, so here it is sent
alone. What callers see is unchanged: the same row and encoding, and `UpdateError` (the
session was deleted meanwhile, e.g. signed out in another tab) when no row was there to update.
Creating a session still goes through Django's code (its key-collision handling).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        # What Django's save encodes; django-stubs leave this private method out.
        data = self._get_session()  # type: ignore[attr-defined]
        updated = (
            self.model.objects.using(router.db_for_write(self.model))
            .filter(session_key=self.session_key)
            .update(session_data=self.encode(data), expire_date=self.get_expiry_date())
        )
        if not updated:
            raise UpdateError
