"""The compose stack's nginx, run for real: deploy/nginx/default.conf.template rendered as the
official nginx image renders it, in Debian's nginx with its own prefix on a spare port."""

import http.client
import os
import re
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
PAGES = ROOT / "deploy" / "nginx" / "errors"
NGINX = "/usr/sbin/nginx"
# What the compose file's own upstream and port lines say; the tests point them elsewhere.
UPSTREAM_LINE = "server web:8000;"
LISTEN_LINE = "listen 80;"


def envsubst(text: str, variables: dict[str, str]) -> str:
    """The image's envsubst: ${NAME} and $NAME replaced for the names in its environment only,
    so nginx's own variables ($host, $scheme...) stay."""

    def replace(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return variables.get(name, match.group(0))

    return re.sub(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))", replace, text)


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(prefix: Path, *, tls_terminator: str, upstream: str, port: int) -> Path:
    """The rendered site config inside a minimal main config, like the image's nginx.conf."""
    site = envsubst(TEMPLATE.read_text(), {"TLS_TERMINATOR": tls_terminator})
    for line, replacement in (
        (UPSTREAM_LINE, f"server {upstream};"),
        (LISTEN_LINE, f"listen 127.0.0.1:{port};"),
    ):
        assert site.count(line) == 1, f"the template no longer has one {line!r}"
        site = site.replace(line, replacement)
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "default.conf").write_text(site)
    # `root helpdesk-errors` is relative to the prefix, as /etc/nginx/helpdesk-errors in compose.
    if not (prefix / "helpdesk-errors").exists():
        (prefix / "helpdesk-errors").symlink_to(PAGES)
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = prefix / "nginx.conf"
    # One process that never changes user: it reads this checkout and writes its temp files.
    main.write_text(
        f"daemon off;\nmaster_process off;\npid {prefix / 'nginx.pid'};\nerror_log stderr warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n{temp}\n    include default.conf;\n}}\n"
    )
    return main


def check(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-t", "-q", "-e", "stderr", "-p", f"{config.parent}/", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )


class Nginx:
    def __init__(self, prefix: Path, *, tls_terminator: str, upstream: str) -> None:
        self.port = spare_port()
        config = write_config(
            prefix, tls_terminator=tls_terminator, upstream=upstream, port=self.port
        )
        # Appending: nginx writes its error log to this descriptor and opens the access log
        # (/dev/stdout) anew; without O_APPEND one would write over the other.
        self.log = (prefix / "nginx.out").open("ab")
        self.process = subprocess.Popen(
            [NGINX, "-e", "stderr", "-p", f"{prefix}/", "-c", str(config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.output = prefix / "nginx.out"
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.output.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def nginx_missing() -> bool:
    return not os.path.exists(NGINX)
