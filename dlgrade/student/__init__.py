"""The student's side, above grading: progress kept between runs (state), grading on every
save (watch), the zip handed in (submit), and one result rendered for the terminal
(feedback).  The command line (dlgrade.commands.student, dlgrade.cli) and the notebook
(dlgrade.notebook.live) are their front ends."""
