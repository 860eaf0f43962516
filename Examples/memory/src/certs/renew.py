#!/usr/bin/env python3
"""Renew ACME certificates that are close to expiry.

Reads one "hostname cert-name install-target" line per certificate from
/etc/cert-renew/certificates.txt, checks what the host actually serves, and
renews with certbot (DNS-01 through acme-dns) when fewer than 30 days are left.
Exits non-zero if any certificate could not be checked or renewed, so that the
scheduler records a failed run instead of a silent success.
"""
import datetime
import socket
import ssl
import subprocess
import sys

LIST = "/etc/cert-renew/certificates.txt"
RENEW_BEFORE = datetime.timedelta(days=30)


def expires_at(host: str, port: int = 443) -> datetime.datetime:
    ctx = ssl.create_default_context()
    with socket.create_connection((host, port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname=host) as tls:
            not_after = tls.getpeercert()["notAfter"]
    seconds = ssl.cert_time_to_seconds(not_after)
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def renew(host: str, name: str, target: str) -> None:
    subprocess.run(
        ["certbot", "certonly", "--non-interactive", "--cert-name", name,
         "--manual", "--preferred-challenges", "dns",
         "--manual-auth-hook", "/usr/local/bin/acme-dns-auth", "-d", host],
        check=True,
    )
    subprocess.run(["install-cert", name, target], check=True)


def main() -> int:
    failed = 0
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    with open(LIST, encoding="utf-8") as f:
        entries = [line.split() for line in f if line.strip() and not line.startswith("#")]
    for host, name, target in entries:
        try:
            left = expires_at(host) - now
            if left > RENEW_BEFORE:
                print(f"{host}: {left.days} days left, nothing to do")
                continue
            renew(host, name, target)
            print(f"{host}: renewed with {left.days} days left")
        except (OSError, ssl.SSLError, subprocess.CalledProcessError) as err:
            print(f"{host}: renewal failed: {err}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
