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
