"""The workbench's benchmark against the libraries' own floor: ``python -m bench`` (see README, Performance).

Every figure is the median of several repetitions, measured next to the same work done with
the bare libraries in the same run (its floor), so the ratio holds on a noisy machine.
Not part of the test suite: nothing here matches ``test_*.py``.
"""
