"""Stand-in amphorae for the probe's benchmark: one Python process (asyncio
and the ssl module, that is OpenSSL; none of it ours) listening on COUNT
loopback ports with the amphora agent's TLS settings (gunicorn's: the
amphora certificate and key, ca_certs = the client CA, CERT_REQUIRED, TLS 1.2
and 1.3) and answering GET / as the agent does. The certificates are
LocalCertGenerator's (DIR/<amphora id>.pem), shared round-robin.

    python3 standin-amphorae.py --certs DIR --client-ca PEM --count N --targets OUT

Writes one AMPHORA_ID@127.0.0.1:PORT line per stand-in to OUT once all
listen, then serves until killed.
"""
import argparse
import asyncio
import os
import ssl

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 23\r\nConnection: close\r\n\r\n{"api_version": "1.0"}\n'


async def handle(reader, writer):
    try:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.write(ANSWER)
        await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()


async def main(args):
    certs = sorted(f for f in os.listdir(args.certs) if f.endswith(".pem"))
    contexts = []
    for name in certs:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(os.path.join(args.certs, name))
        ctx.load_verify_locations(args.client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
        contexts.append((name[:-4], ctx))
    lines = []
    servers = []
    for i in range(args.count):
        amphora_id, ctx = contexts[i % len(contexts)]
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx, backlog=256)
        servers.append(server)
        lines.append(f"{amphora_id}@127.0.0.1:{server.sockets[0].getsockname()[1]}\n")
    with open(args.targets + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(args.targets + ".tmp", args.targets)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--certs", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--targets", required=True)
    asyncio.run(main(p.parse_args()))
