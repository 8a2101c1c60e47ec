"""MNIST for the notebooks: found locally when a copy exists, checked, else downloaded.

The search order and the accepted checksums are documented in ``data/README.md``; the
checksums themselves live in ``data/SHA256SUMS`` (the student kit's wheel carries a
copy of that file inside this package, ``kit_data/``). Typical use::

    from course.data import load_mnist
    (x_train, y_train), (x_test, y_test) = load_mnist()
"""

import hashlib
import os
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"
KIT_CHECKSUMS = Path(__file__).resolve().parent / "kit_data" / "SHA256SUMS"
# In the repository data/SHA256SUMS; installed from the student kit, the wheel's copy.
CHECKSUMS = KIT_CHECKSUMS if KIT_CHECKSUMS.is_file() else DATA_DIR / "SHA256SUMS"
ENV_VAR = "COURSE_MNIST"
FILE_NAME = "mnist.npz"
# Where Keras downloads it (the file keras.datasets.mnist.load_data() fetches).
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"

HOW_TO_GET_IT = (
    "How to get it: with internet, load_mnist() downloads it through Keras by itself "
    f"(into {Path('~/.keras/datasets')}); offline, copy mnist.npz into {DATA_DIR}/ in "
    f"the course repository, or set {ENV_VAR}=/path/to/mnist.npz. See data/README.md."
)


class MnistChecksumError(ValueError):
    """A local mnist.npz exists but is not one of the accepted files (corrupt or other)."""


def accepted_sha256() -> set:
    """The SHA-256 checksums of the accepted copies of mnist.npz, read from data/SHA256SUMS."""
    sums = set()
    for line in CHECKSUMS.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#") and parts[1].lstrip("*") == FILE_NAME:
            sums.add(parts[0].lower())
    return sums


def sha256_of(path: Path) -> str:
    """The SHA-256 checksum of a file, as lowercase hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keras_cache() -> Path:
    """Where Keras keeps the file it downloaded ($KERAS_HOME, else ~/.keras)."""
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home).expanduser() / "datasets" / FILE_NAME


def candidate_paths() -> list:
    """Where a local copy is looked for, in order (see data/README.md)."""
    paths = []
    if os.environ.get(ENV_VAR):
        paths.append(Path(os.environ[ENV_VAR]).expanduser())
    paths += [DATA_DIR / FILE_NAME, REPO.parent / "shared" / "data" / FILE_NAME,
              keras_cache()]
    return paths


def find_local_mnist():
    """The first local copy of mnist.npz in the search order, or None.

    A path given in ``COURSE_MNIST`` must exist: a FileNotFoundError says so instead of
    quietly using another file.
    """
    override = os.environ.get(ENV_VAR)
    if override and not Path(override).expanduser().is_file():
        raise FileNotFoundError(
            f"{ENV_VAR} is set to {override!r}, but there is no file there. Fix the path, "
            f"or unset {ENV_VAR} to use the usual search order. {HOW_TO_GET_IT}")
    for path in candidate_paths():
        if path.is_file():
            return path
    return None


def verify(path: Path) -> Path:
    """Check a local mnist.npz against data/SHA256SUMS; raise MnistChecksumError if it fails."""
    got = sha256_of(path)
    accepted = accepted_sha256()
    if got not in accepted:
        raise MnistChecksumError(
            f"{path} is not a valid copy of MNIST: its SHA-256 is {got}, expected one of "
            f"{sorted(accepted)} (data/SHA256SUMS). The file is damaged or is another file. "
            f"Delete it (or unset {ENV_VAR}) and get it again. {HOW_TO_GET_IT}")
    return path


def _read_npz(path: Path):
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _download_with_keras() -> Path:
    """Download mnist.npz with Keras (into its cache); return the file's path."""
    import keras

    return Path(keras.utils.get_file(FILE_NAME, origin=KERAS_ORIGIN))


def load_mnist(verbose: bool = False):
    """MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist``.

    Images are uint8 arrays of shape (n, 28, 28) with values 0..255; labels are integer
    arrays of shape (n,) with values 0..9. A local copy (``COURSE_MNIST``, then
    ``data/mnist.npz``, then ``../shared/data/mnist.npz``) is verified by checksum and
    read with NumPy, then Keras's cache; without any, Keras downloads the file, which
    is verified against the same checksums. ``verbose`` prints where the data came from.
    """
    path = find_local_mnist()
    source = path
    if path is None:
        try:
            path = _download_with_keras()
        except Exception as exc:
            searched = ", ".join(str(p) for p in candidate_paths())
            raise FileNotFoundError(
                f"MNIST was not found and could not be downloaded ({type(exc).__name__}: "
                f"{exc}). Looked for {FILE_NAME} in: {searched}. {HOW_TO_GET_IT}") from exc
        source = f"the Keras download ({path})"
    data = _read_npz(verify(path))
    if verbose:
        print(f"MNIST loaded from {source}")
    return data
