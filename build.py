#!/usr/bin/env python3
"""The one entry point: python3 build.py [子命令]

On first use (and whenever requirements.lock changes) it creates .venv/ from the lock,
every file hash-checked, then re-runs itself inside it and hands over to handbook.cli.
Standard library only, so it runs on a bare Python 3.11+.
"""
import hashlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / "requirements.lock.sha256"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def fail(message):
    print(f"错误：{message}", file=sys.stderr)
    sys.exit(1)


def run(command):
    import subprocess  # only needed when (re)building: keeps the common path fast

    return subprocess.run([str(part) for part in command]).returncode


def lock_digest():
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def venv_is_current(digest):
    try:
        return VENV_PYTHON.exists() and STAMP.read_text().strip() == digest
    except OSError:
        return False


def running_in_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def create_venv():
    # A venv's own interpreter cannot rebuild the venv it lives in; use its base.
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    if run([base_python, "-m", "venv", "--clear", VENV]) != 0:
        fail(
            "无法创建虚拟环境 .venv/。"
            "若提示缺少 ensurepip，请先安装 venv 模块（Debian/Ubuntu：apt-get install python3-venv）。"
        )


def install_locked_dependencies():
    command = [
        VENV_PYTHON, "-m", "pip", "install",
        "-qq", "--no-input", "--progress-bar", "off", "--disable-pip-version-check",
        "--require-hashes", "--no-deps", "-r", LOCK,
    ]
    returncode = run(command)
    if returncode != 0:
        fail(
            f"依赖安装失败（pip 退出码 {returncode}）。"
            "常见原因：无法连接软件包仓库（网络或代理），或下载的文件与 requirements.lock 中的哈希不符。"
            "详情见上方 pip 的报错；问题解决后重新运行本命令即可。"
        )


def build_venv(digest):
    first_time = not STAMP.exists()
    print(
        "正在创建虚拟环境并安装依赖（仅首次，约需一分钟）…" if first_time
        else "依赖清单 requirements.lock 已变更，正在重建虚拟环境…",
        flush=True,
    )
    started = time.monotonic()
    create_venv()
    install_locked_dependencies()
    STAMP.write_text(digest + "\n")
    print(f"虚拟环境已就绪（用时 {time.monotonic() - started:.0f} 秒）。", flush=True)


def bootstrap():
    """Make sure this process runs inside an up-to-date .venv; re-exec if it does not."""
    if not LOCK.exists():
        fail(f"找不到依赖清单 {LOCK.name}。")
    digest = lock_digest()
    rebuilt = False
    if not venv_is_current(digest):
        build_venv(digest)
        rebuilt = True
    if rebuilt or not running_in_venv():
        argv = [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]]
        if os.name == "nt":  # execv does not replace the process on Windows
            sys.exit(run(argv))
        os.execv(argv[0], argv)


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        print("错误：需要 Python 3.11 或更高版本。", file=sys.stderr)
        sys.exit(1)
    bootstrap()
    from handbook.cli import main

    sys.exit(main(sys.argv[1:]))
