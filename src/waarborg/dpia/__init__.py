"""DPIA (Art. 35 GDPR): the screening of each processing activity against WP248's criteria and
the AP's list, and the assessment with its risks, measures, advice and sign-off.

Uses core, audit and register (it sets an activity's `dpia` fields and adds security measures
through the register's actions); the checks read it.
"""
