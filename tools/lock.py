#!/usr/bin/env python3
"""Regenerate requirements.lock from requirements.in: every package pinned, every file hashed.

pip-tools runs from a throwaway virtual environment, so the locker never enters .venv.
Package indexes come from this machine's pip configuration; none is written into the lock.

    python3 tools/lock.py                        # re-resolve, keeping existing pins
    python3 tools/lock.py --upgrade              # move every package to its newest version
    python3 tools/lock.py --upgrade-package NAME # move one package
"""
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKER = "pip-tools==7.6.2"
# The lock is resolved for the interpreter that runs pip-compile; the project targets 3.11.
TARGET_PYTHON = (3, 11)


def run(command, **kwargs):
    result = subprocess.run([str(part) for part in command], **kwargs)
    if result.returncode != 0:
        sys.exit(f"错误：命令失败（退出码 {result.returncode}）：{' '.join(map(str, command))}")


def compile_lock(bin_dir, extra_args):
    env = dict(os.environ, CUSTOM_COMPILE_COMMAND="python3 tools/lock.py")
    run(
        [
            bin_dir / "pip-compile",
            "--quiet",
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--no-emit-index-url",
            "--no-emit-trusted-host",
            "--no-emit-find-links",
            "--output-file=requirements.lock",
            "requirements.in",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
    )


def main(argv):
    if sys.version_info[:2] != TARGET_PYTHON:
        sys.exit("错误：请用 Python %d.%d 运行本脚本，依赖锁定针对该版本解析。" % TARGET_PYTHON)
    with tempfile.TemporaryDirectory(prefix="handbook-lock-") as tmp:
        print("正在临时环境中安装 pip-tools …")
        venv.create(tmp, with_pip=True)
        bin_dir = Path(tmp) / "bin"
        run([bin_dir / "python", "-m", "pip", "install", "--quiet", LOCKER])
        print("正在解析依赖并生成 requirements.lock（含哈希）…")
        compile_lock(bin_dir, argv)
    print("完成：requirements.lock 已更新。")


if __name__ == "__main__":
    main(sys.argv[1:])
