"""ZeroMQ CURVE: encryption and client authentication for a spot server bound beyond localhost.

``terminal keys DIR`` writes ZeroMQ certificate files (the format of ``zmq.auth``):
``server.key_secret`` / ``server.key`` for the server, ``client.key_secret`` / ``client.key``
for a GUI, and copies ``client.key`` into ``DIR/authorized/`` — the public keys the server
accepts. A secret file is written readable by its owner only; only public keys travel.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import msgspec
import zmq
import zmq.asyncio
import zmq.auth
from zmq.auth.asyncio import AsyncioAuthenticator

log = logging.getLogger("terminal.spot")


class CurveOptions(msgspec.Struct, frozen=True):
    """Server side: its secret certificate and the folder of accepted client public keys."""

    server_secret_file: Path
    authorized_dir: Path


def create_keys(folder: Path) -> dict[str, Path]:
    """Write a server and a client key pair into ``folder``; returns the files by role."""
    folder.mkdir(parents=True, exist_ok=True)
    authorized = folder / "authorized"
    authorized.mkdir(exist_ok=True)
    files: dict[str, Path] = {}
    for name in ("server", "client"):
        public, secret = zmq.auth.create_certificates(folder, name)
        os.chmod(secret, 0o600)
        files[f"{name}_public"], files[f"{name}_secret"] = Path(public), Path(secret)
    shutil.copy(files["client_public"], authorized / "client.key")
    return files


def public_key(path: Path) -> str:
    """The Z85 public key in a certificate file (public or secret one)."""
    public, _ = _load(path)
    return public.decode()


def _load(path: Path) -> tuple[bytes, bytes | None]:
    try:
        public, secret = zmq.auth.load_certificate(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"CURVE key file {path}: {exc}") from None
    return public, secret


def apply_client(socket: zmq.Socket[Any], server_key: str, client_key_file: str) -> None:
    """Make ``socket`` a CURVE client of the server with public key ``server_key`` (Z85)."""
    if not server_key:
        return
    if not client_key_file:
        raise ValueError("server_key is set but client_key_file is empty: CURVE needs both")
    public, secret = _load(Path(client_key_file))
    if secret is None:
        raise ValueError(f"CURVE key file {client_key_file}: holds no secret key")
    socket.curve_serverkey = server_key.encode()
    socket.curve_publickey = public
    socket.curve_secretkey = secret


def apply_server(socket: zmq.Socket[Any], options: CurveOptions) -> None:
    public, secret = _load(options.server_secret_file)
    if secret is None:
        raise ValueError(f"CURVE key file {options.server_secret_file}: holds no secret key")
    socket.curve_secretkey = secret
    socket.curve_publickey = public
    socket.curve_server = True


def start_authenticator(
    context: zmq.asyncio.Context, options: CurveOptions
) -> AsyncioAuthenticator:
    """Accept only clients whose public key is in ``options.authorized_dir`` (ZAP handler)."""
    if not options.authorized_dir.is_dir():
        raise ValueError(f"CURVE authorized_dir {options.authorized_dir} is not a folder")
    auth = AsyncioAuthenticator(context, log=log)
    auth.start()
    auth.configure_curve(domain="*", location=str(options.authorized_dir))
    return auth
