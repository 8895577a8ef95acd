"""Portion markings and the variants of a pack for readers of each clearance.

``scheme``: the levels and caveats; ``portions``: each portion's marking resolved and checked, the
banner computed; ``variant``: the pack for one clearance, withheld portions removed before layout;
``leaks``: reading a variant's files back for any word of what was withheld.
"""
