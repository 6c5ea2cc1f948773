"""Stand-in amphorae for the probe's benchmark: one Python process (asyncio
and the ssl module, that is OpenSSL; none of it ours) listening on COUNT
loopback ports with the amphora agent's TLS settings (gunicorn's: the
amphora certificate and key, ca_certs = the client CA, CERT_REQUIRED, TLS 1.2
and 1.3) and answering GET / as the agent does. The certificates are
LocalCertGenerator's (DIR/<amphora id>.pem), shared round-robin.

    python3 standin-amphorae.py --certs DIR --client-ca PEM --count N --targets OUT

Writes one AMPHORA_ID@127.0.0.1:PORT line per stand-in to OUT once all
listen, then serves until killed.

    python3 standin-amphorae.py --certs DIR --client-ca PEM --count N --amphora-list OUT

For lists larger than the loopback ports available: one stand-in per
certificate, each on its own loopback address (127.0.1.1, 127.0.1.2...) and
all on one port, and OUT the JSON of `openstack loadbalancer amphora list -f
json` for N amphorae (each certificate's amphora at its address, round-robin),
with the port in OUT.port, once all listen.
"""
import json
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
    if args.amphora_list:
        await amphora_list(args, contexts)
        return
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


async def amphora_list(args, contexts):
    first = await asyncio.start_server(handle, "127.0.1.1", 0, ssl=contexts[0][1], backlog=1024)
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for i, (_, ctx) in enumerate(contexts[1:], start=2):
        servers.append(await asyncio.start_server(handle, f"127.0.1.{i}", port, ssl=ctx, backlog=1024))
    with open(args.amphora_list + ".tmp", "w") as f:
        f.write("[")
        for i in range(args.count):
            amphora_id = contexts[i % len(contexts)][0]
            row = {
                "id": amphora_id, "loadbalancer_id": f"7f1e5a52-3a3c-4f0e-b6a5-{i:012d}",
                "compute_id": f"2d9f8b7e-8c2a-4e9b-9d7c-{i:012d}",
                "lb_network_ip": f"127.0.1.{i % len(contexts) + 1}",
                "vrrp_ip": None, "ha_ip": None, "vrrp_port_id": None, "ha_port_id": None,
                "cert_expiration": None, "cert_busy": False, "role": "STANDALONE", "status": "ALLOCATED",
                "vrrp_interface": None, "vrrp_id": None, "vrrp_priority": None, "cached_zone": "nova",
                "created_at": "2026-11-20T10:00:00", "updated_at": "2026-11-21T10:00:00",
                "image_id": "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "compute_flavor": "65",
            }
            f.write(("," if i else "") + "\n  " + json.dumps(row))
        f.write("\n]\n")
    with open(args.amphora_list + ".port", "w") as f:
        f.write(f"{port}\n")
    os.rename(args.amphora_list + ".tmp", args.amphora_list)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--certs", required=True)
    p.add_argument("--client-ca", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--targets")
    p.add_argument("--amphora-list")
    asyncio.run(main(p.parse_args()))
