"""Checks: rules over the register and the operational data that name what is wrong, the law
behind it and where to fix it; findings, dismissals, the to-do list and `waarborg check`.

Reads every other app; changes nothing but its own dismissals and nightly counts.
"""
