"""Import TensorFlow without a word on stderr.

nbgrader scores a test cell 0 when it writes to stderr, and TensorFlow talks at import
("oneDNN custom operations are on ...", CUDA probes). The environment variables must be
set before the first import in the process, which is why notebooks call this instead of
``import tensorflow`` directly.
"""

import logging
import os


def import_tensorflow():
    """Return the ``tensorflow`` module, imported with its C++ and Python logs silenced."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return tf
