"""What a server process imports: the memory of every worker (issue 7: RSS <= 300 MB)."""

import subprocess
import sys

import pytest


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_line_imports_no_scikit_learn_until_a_command_needs_it():
    assert _run("import sys, service.cli; print('sklearn' in sys.modules, 'skops' in sys.modules)") == "False False"


def test_a_server_process_skips_the_packages_it_never_uses():
    pytest.importorskip("pandas")  # only then is there anything to skip
    out = _run(
        "import sys\n"
        "from service import serving\n"
        "serving.skip_unused_imports()\n"
        "import service.app, training.artifacts, sklearn.linear_model\n"
        "try:\n"
        "    import pandas\n"
        "except ModuleNotFoundError:\n"
        "    print('refused', [m for m in serving.UNUSED_IN_SERVER if m in sys.modules])\n"
    )
    assert out == "refused []"


def test_skipping_is_a_no_op_once_a_package_is_imported():
    pytest.importorskip("pandas")
    out = _run(
        "import sys, pandas\n"
        "from service import serving\n"
        "serving.skip_unused_imports()\n"
        "import pandas.core.frame\n"
        "print(any(type(f).__name__ == '_Unused' for f in sys.meta_path))\n"
    )
    assert out == "False"


def test_a_server_process_hands_freed_working_arrays_back_to_the_system():
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc allocator")
    # One freed 5 MB block would raise glibc's mmap threshold, so the next 40
    # blocks come from the heap and the last one pins the other 39 there.
    code = (
        "import sys, numpy as np\n"
        "from service import serving\n"
        "tuned = {tune} and serving.return_freed_memory()\n"
        "rss = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) // 1024\n"
        "a = np.ones(5 << 17); del a\n"
        "base = rss()\n"
        "blocks = [np.ones(5 << 17) for _ in range(40)]\n"
        "del blocks[:-1]\n"
        "print(tuned, rss() - base)\n"
    )
    tuned, kept = _run(code.format(tune=True)).split()
    _, kept_untuned = _run(code.format(tune=False)).split()
    assert tuned == "True"
    assert int(kept) <= 5 < int(kept_untuned)
