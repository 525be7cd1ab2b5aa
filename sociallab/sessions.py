"""The signed cookie session, except where Flask-SocketIO sets it aside.

Flask opens the session from the cookie at the start of every request context, and Flask-SocketIO
runs each Socket.IO event in one, built from the connection's first request. It then swaps in its
own copy of the session, taken at the connection's first event (`saved_session` in that request's
environ), and the session just read from the cookie is never used: verifying its signature and
decoding it again at every live-room message cost about a tenth of the message. Once the copy
exists, events start from an empty session that Flask-SocketIO replaces at once; HTTP requests, and
a socket's first event, read the cookie as always.
"""
from flask.sessions import SecureCookieSessionInterface

# Where Flask-SocketIO keeps a connection's session copy, in that connection's environ.
SOCKET_SESSION = "saved_session"


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if SOCKET_SESSION in request.environ:
            return self.session_class()
        return super().open_session(app, request)
