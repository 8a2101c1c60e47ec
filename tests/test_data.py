"""course.data: MNIST is found locally in the documented order, checked, or downloaded."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from course import data

SHARED = data.REPO.parent / "shared" / "data" / "mnist.npz"
needs_shared = pytest.mark.skipif(not SHARED.is_file(), reason="no ../shared/data/mnist.npz")


@pytest.fixture
def no_download(monkeypatch):
    """Make the Keras download fail as it does offline, and count the attempts."""
    calls = []

    def offline():
        calls.append(1)
        raise OSError("no internet here")

    monkeypatch.setattr(data, "_download_with_keras", offline)
    return calls


@pytest.fixture
def only(monkeypatch, tmp_path):
    """Restrict the search to given paths (the repository's own data/ may hold a copy)."""
    def restrict(*paths):
        monkeypatch.setattr(data, "DATA_DIR", tmp_path / "no-data-dir")
        monkeypatch.setenv("KERAS_HOME", str(tmp_path / "no-keras-home"))
        monkeypatch.setattr(data, "REPO", tmp_path / "repo" / "course")
        for p in paths:
            target = tmp_path / "repo" / "shared" / "data" / "mnist.npz"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, target)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    return restrict


def test_checksums_come_from_the_one_file_in_data():
    sums = data.accepted_sha256()
    assert data.CHECKSUMS == data.REPO / "data" / "SHA256SUMS"
    assert len(sums) == 2 and all(len(s) == 64 for s in sums)
    shared_sums = SHARED.parent / "SHA256SUMS"
    if shared_sums.is_file():
        assert shared_sums.read_text().split()[0] in sums


def test_the_npz_is_never_committed():
    ignore = (data.REPO / ".gitignore").read_text().split()
    assert "*.npz" in ignore


@needs_shared
def test_finds_and_verifies_the_shared_copy(monkeypatch, no_download):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.shape == (60000,) and y_test.shape == (10000,)
    assert np.issubdtype(y_train.dtype, np.integer)
    assert set(np.unique(y_test)) == set(range(10))
    assert no_download == []  # a local copy never goes to the internet


@needs_shared
def test_environment_variable_comes_first(monkeypatch, tmp_path, no_download):
    copy = tmp_path / "elsewhere.npz"
    shutil.copy(SHARED, copy)
    monkeypatch.setenv(data.ENV_VAR, str(copy))
    assert data.find_local_mnist() == copy
    assert data.candidate_paths()[0] == copy
    (x_train, _), _ = data.load_mnist()
    assert x_train.shape == (60000, 28, 28)


def test_environment_variable_to_a_missing_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nothing.npz"))
    with pytest.raises(FileNotFoundError, match=data.ENV_VAR):
        data.load_mnist()


def test_corrupted_copy_fails_with_what_to_do(monkeypatch, tmp_path, no_download):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"not really mnist" * 100)
    monkeypatch.setenv(data.ENV_VAR, str(bad))
    with pytest.raises(data.MnistChecksumError) as err:
        data.load_mnist()
    message = str(err.value)
    assert str(bad) in message and "SHA-256" in message
    assert "Delete it" in message and "data/README.md" in message
    assert no_download == []  # a bad local file is reported, not silently replaced


@needs_shared
def test_a_truncated_copy_of_the_real_file_is_caught(monkeypatch, tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(SHARED.read_bytes()[:-1000])
    monkeypatch.setenv(data.ENV_VAR, str(bad))
    with pytest.raises(data.MnistChecksumError):
        data.load_mnist()


def test_missing_everywhere_says_where_to_put_it(only, no_download):
    only()
    with pytest.raises(FileNotFoundError) as err:
        data.load_mnist()
    message = str(err.value)
    assert "no internet here" in message  # why the download failed
    assert "data/README.md" in message and data.ENV_VAR in message
    assert str(data.DATA_DIR) in message
    assert no_download == [1]


@needs_shared
def test_without_a_local_copy_keras_downloads_and_the_file_is_verified(only, monkeypatch,
                                                                        tmp_path):
    only()
    downloaded = tmp_path / "downloaded" / "mnist.npz"
    downloaded.parent.mkdir()
    shutil.copy(SHARED, downloaded)
    monkeypatch.setattr(data, "_download_with_keras", lambda: downloaded)
    (x_train, _), (x_test, _) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)

    downloaded.write_bytes(SHARED.read_bytes()[:-1000])  # a download cut short
    with pytest.raises(data.MnistChecksumError, match=str(downloaded)):
        data.load_mnist()


@needs_shared
def test_the_keras_cache_is_a_local_copy_too(only, monkeypatch, tmp_path, no_download):
    only()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "keras" / "datasets").mkdir(parents=True)
    shutil.copy(SHARED, tmp_path / "keras" / "datasets" / "mnist.npz")
    assert data.find_local_mnist() == tmp_path / "keras" / "datasets" / "mnist.npz"
    (x_train, _), _ = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and no_download == []


def test_search_order_is_documented_order(monkeypatch, tmp_path):
    monkeypatch.setenv(data.ENV_VAR, "/some/where.npz")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    paths = data.candidate_paths()
    assert paths == [Path("/some/where.npz"), data.REPO / "data" / "mnist.npz",
                     data.REPO.parent / "shared" / "data" / "mnist.npz",
                     tmp_path / "datasets" / "mnist.npz"]
    readme = (data.REPO / "data" / "README.md").read_text()
    assert readme.index("COURSE_MNIST") < readme.index("`data/mnist.npz`") \
        < readme.index("`../shared/data/mnist.npz`") < readme.index("KERAS_HOME") \
        < readme.index("keras.utils.get_file")
