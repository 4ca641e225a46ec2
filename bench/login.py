"""Login through the gateway (argon2id verification in accounts' thread pool) beside the floors.

    python -m bench.login [--url http://127.0.0.1:8000] [--seconds 10] [--clients 1 10]
"""
from __future__ import annotations

import contextlib

import requests

from bench.harness import Stack, arguments, floors, measure, print_table, save

USERS = 20
PASSWORD = "benchmark passphrase 2026"


def register_users(base_url: str) -> list[str]:
    emails = []
    for i in range(USERS):
        email = f"bench-login-{i}@example.it"
        response = requests.post(f"{base_url}/api/v1/accounts", timeout=30, json={
            "email": email, "password": PASSWORD, "first_name": "Bench", "last_name": f"User{i}", "accept_terms": True})
        if response.status_code not in (201, 409):
            raise RuntimeError(f"registration failed: {response.status_code} {response.text}")
        emails.append(email)
    return emails


def main() -> None:
    args = arguments(__doc__)
    with (contextlib.nullcontext(None) if args.url else Stack()) as stack:
        base_url = args.url or stack.url
        emails = register_users(base_url)

        def login(session, number):
            response = session.post(f"{base_url}/api/v1/auth/login", timeout=30,
                                    json={"identifier": emails[number % len(emails)], "password": PASSWORD})
            return response.status_code == 200

        figures = []
        for clients in args.clients:
            figures.extend(floors(base_url, clients, args.seconds))
            figures.append(measure("POST /api/v1/auth/login", login, clients, args.seconds))
    print_table(figures)
    print(f"saved {save('login', figures)}")


if __name__ == "__main__":
    main()
