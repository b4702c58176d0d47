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


def test_a_server_process_shares_allocator_arenas_between_its_threads():
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc allocator")
    # Eight pool threads score one at a time; each keeps one block alive, which
    # pins what it freed in its arena: eight arenas untuned, two tuned.
    code = (
        "import threading, numpy as np\n"
        "from service import serving\n"
        "tuned = {tune} and serving.share_allocator_arenas()\n"
        "rss = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) // 1024\n"
        "turn, finished, done = threading.Lock(), threading.Semaphore(0), threading.Event()\n"
        "def work():\n"
        "    with turn:\n"
        "        blocks = [np.ones(8 << 10) for _ in range(200)]\n"
        "        del blocks[:-1]\n"
        "    finished.release()\n"
        "    done.wait()\n"
        "base = rss()\n"
        "threads = [threading.Thread(target=work) for _ in range(8)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: finished.acquire()\n"
        "print(tuned, rss() - base)\n"
        "done.set()\n"
        "for t in threads: t.join()\n"
    )
    tuned, kept = _run(code.format(tune=True)).split()
    _, kept_untuned = _run(code.format(tune=False)).split()
    assert tuned == "True"
    assert int(kept) * 2 < int(kept_untuned)


def test_a_server_process_collects_young_objects_less_often():
    from service.serving import GC_YOUNG_THRESHOLD

    out = _run(
        "import gc\n"
        "from service import serving\n"
        "before = gc.get_threshold()\n"
        "serving.prepare_server_process()\n"
        "print(before[0], gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:])\n"
    )
    assert out == f"700 {GC_YOUNG_THRESHOLD} True"
