"""The command line's commands beyond the core ones in ``dlgrade.cli``, one module per
group of commands, and what they all share (:mod:`dlgrade.commands.shared`: options, the
context object, localized command classes).  ``dlgrade.cli`` adds these commands to its
group; nothing here imports ``dlgrade.cli``.

Keep module-level imports light (click and dlgrade.commands.shared only): heavy imports
belong inside command bodies so that ``dlgrade --help`` starts fast.
"""
