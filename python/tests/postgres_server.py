"""A throwaway PostgreSQL server for tests: initdb + pg_ctl in a temporary folder,
listening on a free localhost port, stopped (and deleted) afterwards.

PostgreSQL refuses to run as root; as root (e.g. in CI containers) the server
runs as the `postgres` system user, in a folder that user owns.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest


def _binaries_folder():
    """The folder of initdb and pg_ctl (newest Debian version first), or None."""
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    return os.path.dirname(found[-1]) if found else None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user():
    """The command prefix that runs a program as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root, and there is no `postgres` user to run the server as")
    if not shutil.which("runuser"):
        pytest.skip("running as root, and `runuser` (util-linux) is missing")
    return ["runuser", "-u", "postgres", "--"], account


def _run(prefix, command, folder):
    result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=120,
                            cwd=folder)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")


def _create_database(port, name):
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=port, user="spikeae", dbname="postgres")
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        connection.cursor().execute(f"CREATE DATABASE {name}")
    finally:
        connection.close()


@pytest.fixture
def postgres_server():
    """Yields the SQLAlchemy URL of an empty database on a fresh local server."""
    pytest.importorskip("psycopg2")
    binaries = _binaries_folder()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (Debian package `postgresql`)")
    prefix, account = _as_server_user()
    folder = tempfile.mkdtemp(prefix="spikeae-postgres-")
    if account is not None:
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, port = os.path.join(folder, "data"), _free_port()
    pg_ctl = [os.path.join(binaries, "pg_ctl"), "-D", data]
    started = False
    try:
        _run(prefix, [os.path.join(binaries, "initdb"), "-D", data, "-U", "spikeae",
                      "-A", "trust", "--no-sync"], folder)
        _run(prefix, pg_ctl + ["-w", "-l", os.path.join(folder, "server.log"), "-o",
                               f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                               "-c fsync=off", "start"], folder)
        started = True
        _create_database(port, "search")
        yield f"postgresql+psycopg2://spikeae@127.0.0.1:{port}/search"
    finally:
        if started:
            _run(prefix, pg_ctl + ["-w", "-m", "immediate", "stop"], folder)
        shutil.rmtree(folder, ignore_errors=True)
