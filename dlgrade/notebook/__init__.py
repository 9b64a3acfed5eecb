"""Notebooks: a submitted ``.ipynb`` as the student's module (convert), and checking an
exercise from inside a running Jupyter or Colab notebook (live: ``dlgrade.check``)."""
