"""Command groups defined outside ``dlgrade.cli``; each module registers its commands on
``dlgrade.cli.main`` when imported (``dlgrade.cli`` imports them all at its end).

Keep module-level imports light (click and dlgrade.cli only): heavy imports belong
inside command bodies so that ``dlgrade --help`` starts fast.
"""
