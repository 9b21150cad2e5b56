"""deploy/deploy.sh against a local folder standing for the server (no SSH): a release per upload, the switch of
`current` by one rename (traced with strace), a failed upload that leaves the live site untouched, pruning to the
documented number, roll back; and the steps of .github/workflows/server.yml that run it.

rsync and the file system are real. As root, the script runs as `nobody`, so a file it may not read makes a real
upload fail half way (root reads everything)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO, install_hint, require_tool

SCRIPT = REPO / "deploy" / "deploy.sh"
AS_ROOT = os.geteuid() == 0
USER = "nobody"
KEEP = 5
"""The number of releases deploy.sh keeps by default (deploy/README.md and README say so)."""


@pytest.fixture
def base() -> Iterator[Path]:
    """A folder the script's user owns: sites to upload, the 'server' folder, a copy of the script."""
    require_tool(shutil.which("rsync") is not None, f"rsync not found ({install_hint('rsync')})")
    folder = Path(tempfile.mkdtemp(prefix="deploy-"))
    shutil.copy2(SCRIPT, folder / "deploy.sh")
    (folder / "server").mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def site(base: Path, name: str, files: dict[str, str]) -> Path:
    """A built site to upload: files by relative path."""
    root = base / name
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def deploy(
    base: Path, *args: str, env: dict[str, str] | None = None, trace: Path | None = None, script: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the script (as `nobody` when root) in `base`; with `trace`, under strace, file calls logged there."""
    if AS_ROOT:
        subprocess.run(["chown", "-R", f"{USER}:", str(base)], check=True)
    command = ["bash", str(script or base / "deploy.sh"), *args]
    if trace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=%file", "-o", str(trace), *command]
    if AS_ROOT:
        command = ["runuser", "-u", USER, "--", *command]
    run_env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(base), **(env or {})}
    return subprocess.run(
        command, cwd=base, env=run_env, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False
    )


def shown(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def live(server: Path) -> str:
    """The release `current` points at."""
    target = os.readlink(server / "current")
    assert target.startswith("releases/"), target
    return target.removeprefix("releases/")


def releases(server: Path) -> list[str]:
    return sorted(p.name for p in (server / "releases").iterdir())


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under a folder: its bytes, inode and mode."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_ino, p.stat().st_mode & 0o777)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


SITE_A = {"index.html": "<h1>A</h1>", "data/registry.json": '{"version": 1}', "style.css": "body{}"}
SITE_B = {"index.html": "<h1>B</h1>", "data/registry.json": '{"version": 1}', "style.css": "body{color:red}"}


def test_first_upload_becomes_the_live_site(base):
    result = deploy(base, "--release", "20260101T080000Z-aaa", str(site(base, "a", SITE_A)), "server")
    assert result.returncode == 0, shown(result)
    server = base / "server"
    assert (server / "current").is_symlink() and live(server) == "20260101T080000Z-aaa"
    assert {rel: data for rel, (data, _, _) in snapshot(server / "current").items()} == {
        rel: text.encode() for rel, text in SITE_A.items()
    }
    assert {mode for _, _, mode in snapshot(server / "current").values()} == {0o644}
    assert (server / "releases" / "20260101T080000Z-aaa" / "data").stat().st_mode & 0o777 == 0o755
    assert (
        result.stdout
        == "已发布 / published: server/current -> releases/20260101T080000Z-aaa (kept: the newest 5 releases)\n"
    )


def test_a_new_release_shares_unchanged_files_with_the_live_one(base):
    server = base / "server"
    assert deploy(base, "--release", "20260101T080000Z", str(site(base, "a", SITE_A)), "server").returncode == 0
    result = deploy(base, "--release", "20260102T080000Z", str(site(base, "b", SITE_B)), "server")
    assert result.returncode == 0, shown(result)
    assert live(server) == "20260102T080000Z" and releases(server) == ["20260101T080000Z", "20260102T080000Z"]
    old, new = snapshot(server / "releases/20260101T080000Z"), snapshot(server / "current")
    assert new["index.html"][0] == b"<h1>B</h1>" and old["index.html"][0] == b"<h1>A</h1>"
    assert new["data/registry.json"][1] == old["data/registry.json"][1], "unchanged file: a hard link, not a copy"
    assert new["style.css"][1] != old["style.css"][1]


def test_a_failed_upload_leaves_the_live_site_untouched(base):
    server = base / "server"
    assert deploy(base, "--release", "20260101T080000Z", str(site(base, "a", SITE_A)), "server").returncode == 0
    before, listed = snapshot(server / "current"), releases(server)
    many = {f"achievements/a{i:03}.html": f"<p>{i}</p>" for i in range(200)}
    broken = site(base, "b", {**SITE_B, **many, "achievements/a100.html": "<p>unreadable</p>"})
    (broken / "achievements/a100.html").chmod(0)  # its owner (the script's user, never root) cannot read it
    result = deploy(base, "--release", "20260102T080000Z", str(broken), "server")
    assert result.returncode == 1, shown(result)
    assert "Permission denied" in result.stderr  # rsync's own word: the upload really failed half way
    assert result.stderr.rstrip().endswith(
        "deploy: 上传失败，线上网站未改动 / upload failed; the live site is unchanged — see rsync's message above, then run again"
    )
    assert live(server) == "20260101T080000Z"
    assert snapshot(server / "current") == before
    assert releases(server) == listed, "the half upload is removed"
    (broken / "achievements/a100.html").chmod(0o644)
    again = deploy(base, "--release", "20260102T080000Z", str(broken), "server")
    assert again.returncode == 0, shown(again)
    assert len(snapshot(server / "current")) == len(SITE_B) + len(many)


def test_old_releases_are_pruned_to_the_documented_number(base):
    server = base / "server"
    names = [f"202601{day:02}T080000Z" for day in range(1, 9)]
    for index, name in enumerate(names):
        result = deploy(base, "--release", name, str(site(base, f"s{index}", {"index.html": name})), "server")
        assert result.returncode == 0, shown(result)
        assert releases(server) == names[max(0, index + 1 - KEEP) : index + 1]
    assert live(server) == names[-1]
    result = deploy(base, "--keep", "2", "--release", "20260109T080000Z", str(site(base, "t", SITE_A)), "server")
    assert result.returncode == 0, shown(result)
    assert releases(server) == ["20260108T080000Z", "20260109T080000Z"]
    assert "kept: the newest 2 releases" in result.stdout
    readme = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    assert f"--keep N` (default {KEEP})" in readme and f"default {KEEP}" in SCRIPT.read_text(encoding="utf-8")


def test_the_live_release_is_never_pruned_and_dead_uploads_are(base):
    """A release named older than the rest (a clock set back) is live, so it stays; a `.partial` folder left by a run
    that died is removed by the next one."""
    server = base / "server"
    for day in (5, 6):
        assert (
            deploy(
                base,
                "--keep",
                "1",
                "--release",
                f"202601{day:02}T080000Z",
                str(site(base, f"s{day}", SITE_A)),
                "server",
            ).returncode
            == 0
        )
    (server / "releases/20260106T090000Z.partial").mkdir()
    result = deploy(base, "--keep", "1", "--release", "20250101T080000Z", str(site(base, "old", SITE_B)), "server")
    assert result.returncode == 0, shown(result)
    assert live(server) == "20250101T080000Z"
    assert releases(server) == ["20250101T080000Z", "20260106T080000Z"]


def test_roll_back_to_a_kept_release(base):
    server = base / "server"
    for day, files in ((1, SITE_A), (2, SITE_B)):
        assert (
            deploy(base, "--release", f"202601{day:02}T080000Z", str(site(base, f"s{day}", files)), "server").returncode
            == 0
        )
    result = deploy(base, "--switch-to", "20260101T080000Z", "server")
    assert result.returncode == 0, shown(result)
    assert result.stdout == "已切换 / switched: current -> releases/20260101T080000Z\n"
    assert (server / "current/index.html").read_text(encoding="utf-8") == "<h1>A</h1>"
    missing = deploy(base, "--switch-to", "20250101T080000Z", "server")
    assert missing.returncode == 1 and "no such release: releases/20250101T080000Z" in missing.stderr
    assert live(server) == "20260101T080000Z"


# -- the switch is one rename ---------------------------------------------------------------------------------

CHANGES = ("unlink", "unlinkat", "rmdir", "symlink", "symlinkat", "mkdir", "mkdirat", "link", "linkat")
CALL = re.compile(r"^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)", re.M)
"""One line of `strace -f -o`: the pid, padded to five columns (so one space or more), the call, its result."""


def switch_findings(trace: str, name: str = "current") -> list[str]:
    """From an strace log of file calls: every successful call that changed the path `name` other than renaming onto
    it. A switch made by rename(2) leaves none; removing the link and making a new one leaves a moment without a
    site, and is named here."""
    findings, renames = [], 0
    for call, args, result in CALL.findall(trace):
        paths = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        if result != "0" or not paths:
            continue
        if call.startswith("rename"):
            renames += paths[-1].rsplit("/", 1)[-1] == name
        elif call in CHANGES and paths[-1].rsplit("/", 1)[-1] == name:
            findings.append(f"{call}({', '.join(paths)})")
    return findings if findings or renames == 1 else [f"{renames} renames onto {name}"]


def test_the_switch_is_one_atomic_rename(base):
    """Traced with strace: while a release goes live, `current` is never removed nor created in place; exactly one
    rename(2) replaces it, so a request at any moment finds the old site or the new one."""
    require_tool(shutil.which("strace") is not None, f"strace not found ({install_hint('strace')})")
    assert deploy(base, "--release", "20260101T080000Z", str(site(base, "a", SITE_A)), "server").returncode == 0
    trace = base / "trace.log"
    result = deploy(base, "--release", "20260102T080000Z", str(site(base, "b", SITE_B)), "server", trace=trace)
    assert result.returncode == 0, shown(result)
    log = trace.read_text(encoding="utf-8")
    assert re.search(r'rename\w*\(.*"\.current\.new".*"current"\) = 0', log), "the switch was not traced"
    assert switch_findings(log) == []
    assert live(base / "server") == "20260102T080000Z"


def test_a_switch_that_is_not_atomic_is_caught(base):
    """The check above can fail: removing `current` and linking it anew is named."""
    require_tool(shutil.which("strace") is not None, f"strace not found ({install_hint('strace')})")
    server = base / "server"
    (server / "releases/one").mkdir(parents=True)
    (server / "current").symlink_to("releases/one")
    trace = base / "naive.log"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=%file",
            "-o",
            str(trace),
            "sh",
            "-c",
            "rm current && ln -s releases/one current",
        ],
        cwd=server,
        check=True,
    )
    assert switch_findings(trace.read_text(encoding="utf-8")) == [
        "unlinkat(current)",
        "symlinkat(releases/one, current)",
    ]


# -- refusals ---------------------------------------------------------------------------------------------------


def test_refusals_say_what_is_wrong_and_change_nothing(base):
    server = base / "server"
    good = site(base, "a", SITE_A)
    assert deploy(base, "--release", "20260101T080000Z", str(good), "server").returncode == 0
    before = snapshot(server)
    empty = site(base, "empty", {"robots.txt": ""})
    cases = [
        (
            ["--release", "20260102T080000Z", str(empty), "server"],
            2,
            f"deploy: {empty} 中没有 index.html，不是构建好的网站 / {empty} has no index.html: not a built site — run python build.py first",
        ),
        (
            ["--release", "tomorrow", str(good), "server"],
            2,
            "deploy: 版本名不合格式：tomorrow / not a release name: tomorrow — YYYYMMDDTHHMMSSZ, optionally followed by -LABEL",
        ),
        (
            ["--release", "20260101T080000Z", str(good), "server"],
            1,
            "deploy: 版本已存在 / release exists: releases/20260101T080000Z — give another --release",
        ),
        (
            ["--release", "20260102T080000Z", str(good), "no-such-folder"],
            1,
            "deploy: 目标文件夹不存在 / no such folder: no-such-folder — create it first",
        ),
        (
            ["--release", "20260102T080000Z", str(good), "server; rm -rf ~"],
            2,
            "deploy: 目标路径含有特殊字符：server; rm -rf ~ / the destination path has special characters: server; rm -rf ~ — use letters, digits and . _ / - only",
        ),
        (
            ["--keep", "0", str(good), "server"],
            2,
            "deploy: --keep 应为正整数 / --keep must be a positive whole number — e.g. --keep 5",
        ),
        (
            [str(good)],
            2,
            "用法 / usage: deploy/deploy.sh [--keep N] [--release NAME] SITE DEST | deploy/deploy.sh --switch-to NAME DEST",
        ),
    ]
    for args, code, message in cases:
        result = deploy(base, *args)
        assert (result.returncode, result.stderr.strip()) == (code, message), shown(result)
        assert snapshot(server) == before


def test_a_site_folder_that_is_not_a_symlink_is_left_alone(base):
    """A server where `current` is still a real folder (set up by hand) is refused: nothing is moved or uploaded."""
    server = base / "server"
    (server / "current").mkdir()
    (server / "current/index.html").write_text("by hand", encoding="utf-8")
    result = deploy(base, "--release", "20260101T080000Z", str(site(base, "a", SITE_A)), "server")
    assert result.returncode == 1
    assert "current 不是符号链接 / current is not a symlink" in result.stderr
    assert (server / "current/index.html").read_text(encoding="utf-8") == "by hand"
    assert releases(server) == []


# -- over SSH ---------------------------------------------------------------------------------------------------

SSH_STAND_IN = """#!/bin/sh
# Stands in for ssh on this machine (no SSH server here): logs its arguments, skips ssh's options and the host, then
# joins the command with spaces and hands it to sh, as sshd hands it to the user's login shell; stdin passes through.
echo "$*" >> "$(dirname "$0")/ssh.log"
while [ $# -gt 0 ]; do
  case "$1" in
    -i|-p|-o|-l) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec sh -c "$*"
"""


def ssh_stand_in(base: Path) -> dict[str, str]:
    """An `ssh` first on PATH (the environment to run the script with) that runs the command here."""
    folder = base / "bin"
    folder.mkdir()
    (folder / "ssh").write_text(SSH_STAND_IN, encoding="utf-8")
    (folder / "ssh").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def ssh_calls(base: Path) -> list[str]:
    return (base / "bin/ssh.log").read_text(encoding="utf-8").splitlines()


def test_the_ssh_route_runs_the_same_steps(base):
    """DEST as user@host:/path: rsync and the server steps go through `ssh` (here a stand-in that runs the command
    line as sshd would), so what crosses ssh's command line is exercised as written."""
    env = ssh_stand_in(base)
    server = base / "server"
    target = f"deploy@bureau.example:{server}"
    for day, files in ((1, SITE_A), (2, SITE_B)):
        result = deploy(
            base, "--release", f"202601{day:02}T080000Z", str(site(base, f"s{day}", files)), target, env=env
        )
        assert result.returncode == 0, shown(result)
    assert live(server) == "20260102T080000Z"
    assert (server / "current/index.html").read_text(encoding="utf-8") == "<h1>B</h1>"
    calls = ssh_calls(base)
    assert len(calls) == 10  # per release: prepare, upload (rsync), rename, switch, prune
    assert all(
        call.startswith(("deploy@bureau.example sh -s -- ", "-l deploy bureau.example rsync --server"))
        for call in calls
    ), calls


# -- the workflow's own steps -----------------------------------------------------------------------------------


def server_steps() -> dict[str, dict]:
    workflow = yaml.safe_load((REPO / ".github/workflows/server.yml").read_text(encoding="utf-8"))
    return {
        job: {step.get("id") or step.get("name", ""): step for step in body["steps"]}
        for job, body in workflow["jobs"].items()
    }


def run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A workflow step's `run:` as GitHub runs it (bash -e), with the given environment."""
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PATH": os.environ["PATH"], **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("given", "ready"),
    [
        ({"DEPLOY_TARGET": "", "DEPLOY_SSH_KEY": "", "DEPLOY_KNOWN_HOSTS": ""}, "false"),
        (
            {"DEPLOY_TARGET": "deploy@bureau.example:/srv/registry", "DEPLOY_SSH_KEY": "k", "DEPLOY_KNOWN_HOSTS": ""},
            "false",
        ),
        (
            {"DEPLOY_TARGET": "deploy@bureau.example:/srv/registry", "DEPLOY_SSH_KEY": "k", "DEPLOY_KNOWN_HOSTS": "h"},
            "true",
        ),
    ],
)
def test_the_upload_job_runs_only_with_every_secret(tmp_path, given, ready):
    """Secrets that are not set reach a step as empty strings: then the job that uploads is skipped, with a notice."""
    output = tmp_path / "output"
    output.write_text("", encoding="utf-8")
    result = run_step(server_steps()["configured"]["look"], tmp_path, {**given, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, shown(result)
    assert output.read_text(encoding="utf-8") == f"ready={ready}\n"
    assert ("::notice title=未发布到服务器 / server deploy skipped::" in result.stdout) == (ready == "false")


def test_the_workflows_upload_steps_deploy_the_built_site(base):
    """The deploy job's last three steps, as written in server.yml (the key written and removed; the upload with the
    host key pinned), with `ssh` standing in and a folder for the server: the release is named after the time and the
    commit, and goes live."""
    steps = server_steps()["deploy"]
    project = base / "project"
    (project / "deploy").mkdir(parents=True)
    shutil.copy2(SCRIPT, project / "deploy" / "deploy.sh")
    site(project, "public", SITE_A)
    env = {
        **ssh_stand_in(base),
        "HOME": str(base),
        "DEPLOY_SSH_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----",
        "DEPLOY_KNOWN_HOSTS": "bureau.example ssh-ed25519 AAAA",
        "DEPLOY_TARGET": f"deploy@bureau.example:{base / 'server'}",
        "DEPLOY_SSH_PORT": "2222",
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    }
    key = run_step(steps["SSH 密钥 / the deploy key and the server's host key"], project, env)
    assert key.returncode == 0, shown(key)
    assert (base / ".ssh/deploy_key").stat().st_mode & 0o777 == 0o600 and (
        base / ".ssh"
    ).stat().st_mode & 0o777 == 0o700
    assert (base / ".ssh/known_hosts").read_text(encoding="utf-8") == "bureau.example ssh-ed25519 AAAA\n"
    upload = run_step(steps["上传并切换 / upload, then switch"], project, env)
    assert upload.returncode == 0, shown(upload)
    assert re.fullmatch(r"\d{8}T\d{6}Z-0123456789ab", live(base / "server"))
    assert (base / "server/current/index.html").read_text(encoding="utf-8") == "<h1>A</h1>"
    pinned = f"-i {base}/.ssh/deploy_key -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile={base}/.ssh/known_hosts"
    assert all(call.startswith(pinned) for call in ssh_calls(base)), ssh_calls(base)
    removed = run_step(steps["删除密钥 / remove the key"], project, env)
    assert removed.returncode == 0 and not (base / ".ssh/deploy_key").exists()
