"""Import TensorFlow and Keras without a word on stderr, and while grading only if used.

nbgrader scores a test cell 0 when it writes to stderr, and TensorFlow talks at import
("oneDNN custom operations are on ...", CUDA probes). The environment variables must be
set before the first import in the process, which is why notebooks call these instead of
``import tensorflow`` directly.

Importing TensorFlow costs 3 to 6 CPU seconds. While nbgrader grades a notebook
(:func:`course.grading_mode`) these return a stand-in that imports the module the first
time anything is taken from it: a notebook whose graded functions and tests never use
TensorFlow (assignments 1 and 4) is graded without paying for it, and an answer that
does use ``tf`` or ``keras`` works as it does for the student.
"""

import functools
import logging
import os
import types

from course.grading import grading_mode


def _quiet():
    """TensorFlow's settings for silence, before any import of it (a later plain
    ``import tensorflow`` in the same kernel is quiet too)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


@functools.cache
def _tensorflow():
    _quiet()
    import tensorflow as tf

    return tf


@functools.cache
def _keras():
    _tensorflow()  # first, with its settings
    import keras

    return keras


class OnFirstUse(types.ModuleType):
    """Stands in for a module until something is taken from it, then imports it and
    hands over everything it is asked for."""

    def __init__(self, name: str, load):
        super().__init__(name)
        self.__dict__["_load"] = load

    def __getattr__(self, attribute):  # anything the stand-in itself does not have
        return getattr(self._load(), attribute)

    def __dir__(self):
        return dir(self._load())

    def __repr__(self):
        return f"<module {self.__name__!r}, imported on first use while grading>"


def import_tensorflow():
    """Return the ``tensorflow`` module, imported with its C++ and Python logs silenced
    (while grading: a stand-in that imports it on first use)."""
    _quiet()
    if grading_mode():
        return OnFirstUse("tensorflow", _tensorflow)
    return _tensorflow()


def import_keras():
    """Return the ``keras`` module, imported after TensorFlow's settings (while grading:
    a stand-in that imports it on first use)."""
    _quiet()
    if grading_mode():
        return OnFirstUse("keras", _keras)
    return _keras()
