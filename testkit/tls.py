"""Throw-away TLS material for the test broker's SASL_SSL listener.

Why openssl first: it makes the key and certificate in ~0.1 s, where keytool
(two JVM starts) takes 2-6 s on a busy 2-core machine; keytool, which ships with
the JDK the broker needs anyway, is the fallback. No Python dependency either
way. The certificate is self-signed for 127.0.0.1/localhost and its PEM doubles
as the clients' CA file.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Keystore", "make_keystore"]


@dataclass(frozen=True)
class Keystore:
    keystore: Path  # PKCS12, for the broker
    ca_pem: Path  # the same certificate in PEM, for clients' cafile
    password: str


def make_keystore(directory: Path, host: str = "127.0.0.1", days: int = 7) -> Keystore:
    """Create (or reuse) a self-signed server keystore valid for *host* and localhost."""
    directory.mkdir(parents=True, exist_ok=True)
    keystore = directory / "broker.p12"
    ca_pem = directory / "ca.pem"
    password_file = directory / "password"
    if keystore.exists() and ca_pem.exists() and password_file.exists():
        return Keystore(keystore, ca_pem, password_file.read_text().strip())
    password = secrets.token_hex(12)
    openssl = shutil.which("openssl")
    if openssl is not None:
        _with_openssl(openssl, directory, keystore, ca_pem, host, days, password)
    else:
        _with_keytool(keystore, ca_pem, host, days, password)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return Keystore(keystore, ca_pem, password)


def _with_openssl(openssl: str, directory: Path, keystore: Path, ca_pem: Path, host: str, days: int, password: str) -> None:
    key = directory / "broker.key"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(ca_pem),
            "-days",
            str(days),
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName=IP:{host},DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [
            openssl,
            "pkcs12",
            "-export",
            "-in",
            str(ca_pem),
            "-inkey",
            str(key),
            "-name",
            "broker",
            "-out",
            str(keystore),
            "-passout",
            f"pass:{password}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    key.unlink()


def _with_keytool(keystore: Path, ca_pem: Path, host: str, days: int, password: str) -> None:
    keytool = shutil.which("keytool")
    if keytool is None:
        raise FileNotFoundError("neither 'openssl' nor 'keytool' (ships with the JDK) is on PATH")
    common = ["-keystore", str(keystore), "-storetype", "PKCS12", "-storepass", password]
    subprocess.run(
        [
            keytool,
            "-genkeypair",
            "-alias",
            "broker",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            str(days),
            "-dname",
            "CN=localhost",
            "-ext",
            f"SAN=IP:{host},DNS:localhost",
            "-keypass",
            password,
            *common,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [keytool, "-exportcert", "-rfc", "-alias", "broker", "-file", str(ca_pem), *common],
        check=True,
        capture_output=True,
        timeout=60,
    )
