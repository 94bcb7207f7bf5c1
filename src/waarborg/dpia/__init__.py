"""DPIA: the screening of each processing activity (WP248 criteria, the AP's list) and the
assessment of Art. 35(7) GDPR with its risks, measures, advice and sign-off; reads the register.
"""
