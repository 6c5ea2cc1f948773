"""A TLS server standing in for two broken amphora agents (Python's ssl, as
gunicorn uses it), for the probe's tests.

  tls_stand_in.py CERT_AND_KEY CLIENT_CA keep-alive|silent-to-anonymous

Prints its port, then serves for at most 120 s:
  keep-alive           requires a client certificate from CLIENT_CA, answers
                       GET / as the agent does (Content-Length), then keeps the
                       connection open, ignoring `Connection: close`;
  silent-to-anonymous  asks for a client certificate but does not require one;
                       with one it answers as above, without one it completes
                       the handshake and never says a word.
"""
import socket
import ssl
import sys
import threading
import time

cert, client_ca, mode = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert)
ctx.load_verify_locations(client_ca)
ctx.verify_mode = ssl.CERT_REQUIRED if mode == "keep-alive" else ssl.CERT_OPTIONAL
held = []


def serve(conn):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        conn.close()
        return
    held.append(tls)
    if tls.getpeercert() is None:
        return  # anonymous: held open, in silence
    request = b""
    while b"\r\n\r\n" not in request:
        try:
            chunk = tls.recv(4096)
        except (ssl.SSLError, OSError):
            return
        if not chunk:
            return
        request += chunk
    body = b'{"api_version": "1.0"}'
    tls.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (len(body), body)
    )
    # Kept open: the client must see the answer is whole.


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
listener.settimeout(1)
print(listener.getsockname()[1], flush=True)
deadline = time.time() + 120
while time.time() < deadline:
    try:
        conn, _ = listener.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
