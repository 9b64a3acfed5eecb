"""Checking an exercise from inside a running Jupyter or Colab notebook (live:
``dlgrade.check``): a front end, like the command line.  Reading a submitted ``.ipynb`` as
the student's module is grading's (dlgrade.grading.notebook_source)."""
